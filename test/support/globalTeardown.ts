/** Stops the Azurite that globalSetup started, by its PID. */
export default function globalTeardown(): void {
  const pid = globalThis.azuritePid;
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}
