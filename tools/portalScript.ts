import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

/** The project root: the nearest folder up with a host.json (this file runs from tools/ and dist/tools/). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "host.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no host.json above ${from}`);
  }
}

/** What the browser loads from portal/: everything the Function app serves there, nothing else. */
export const PORTAL_PAGE_FILES = ["index.html", "app.css", "app.js"] as const;

/**
 * Compiles the portal page's TypeScript (portal/scripts/) into the one script the page loads,
 * portal/app.js, beside index.html and app.css, where the Function app serves them from: package.json's
 * `bundle:portal` script (esbuild; plain browser JavaScript, no framework, no source map), the same one
 * `npm run build` runs. Takes well under a second.
 */
export function buildPortalScript(root: string = projectRoot(__dirname)): string {
  const scripts = (
    JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts;
  const command = scripts["bundle:portal"];
  if (command === undefined) throw new Error("package.json has no bundle:portal script");
  const run = spawnSync(command, {
    cwd: root,
    shell: true,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  if (run.status !== 0) throw new Error(`portal script failed: ${run.stderr || run.stdout}`);
  return join(root, "portal", "app.js");
}
