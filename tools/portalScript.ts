import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildSync } from "esbuild";

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
 * portal/app.js, beside index.html and app.css, where the Function app serves them from. Plain
 * browser JavaScript, no framework, no source map (nothing but these three files is served).
 * `npm run build`, `npm run dev` and the test setup run it; it takes well under a second.
 */
export function buildPortalScript(root: string = projectRoot(__dirname)): string {
  const outfile = join(root, "portal", "app.js");
  const result = buildSync({
    entryPoints: [join(root, "portal", "scripts", "app.ts")],
    outfile,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome109", "edge109", "firefox115", "safari15"],
    tsconfig: join(root, "tsconfig.portal.json"),
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  if (result.errors.length > 0) throw new Error(`portal script failed: ${result.errors[0]?.text ?? ""}`);
  return outfile;
}
