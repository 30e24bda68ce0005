import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Names the system's Chromium goes by (Debian's package `chromium`, others' `chromium-browser`, Chrome). */
const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the first of the usual names
 * on PATH. playwright-core downloads no browser of its own.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  for (const folder of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(folder, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    "No Chromium for the browser tests: install the system's (Debian: apt-get install chromium; .ci/run does) " +
      "or set CHROMIUM_PATH to a Chromium or Chrome executable.",
  );
}
