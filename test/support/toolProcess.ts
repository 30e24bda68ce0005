import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { basename, join } from "node:path";
import { buildSync } from "esbuild";

const REPO = join(__dirname, "..", "..");
const BUNDLES = join(REPO, "dist", "test-tools");

/**
 * A tool (tools/x.ts) bundled from the current sources into dist/test-tools/, so a test runs it as a
 * process without depending on (or racing over) the project's compiled dist/. Packages stay
 * external: they resolve from the repository's node_modules, as the compiled tool's do.
 */
export function bundleTool(entry: string): { readonly path: string; remove(): void } {
  const outdir = join(BUNDLES, randomUUID());
  buildSync({
    entryPoints: [join(REPO, entry)],
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    outdir,
    logLevel: "error",
  });
  return {
    path: join(outdir, basename(entry).replace(/\.ts$/, ".js")),
    remove: () => {
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

export interface ProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without any storage setting, as on a fresh shell. */
export function cleanEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    "STORAGE_CONNECTION_STRING",
    "STORAGE_TABLE_ENDPOINT",
    "KEY_VAULT_URI",
    "SCIM_BASE_URL",
  ])
    delete env[name];
  return { ...env, ...extra };
}

/** Runs `node <script> ...args` to its end. */
export function runNode(
  script: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: options.cwd, env: options.env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
