import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { PORTAL_FOLDER } from "../src/http/portal/staticFiles";
import { FUNCTIONS_ENTRY, measureColdStart } from "./bench/coldStart";
import { buildPortalScript, PORTAL_PAGE_FILES } from "./portalScript";

/**
 * The package azd deploys (azure.yaml `dist: dist/deploy`, `remoteBuild: false`): host.json, a
 * package.json without dependencies, the portal's page (`portal/`), and one esbuild bundle that holds the app and every production
 * dependency. Nothing is installed in Azure, so no devDependency can reach the app and the package is a
 * few MB instead of a remote `npm install`. Only `@azure/functions-core` stays outside: the Functions
 * Node worker provides it.
 *
 * `npm run package:deploy` builds it (azd runs that as the service's prepackage hook; it is not part of
 * `npm run build`, which the CLI and `npm run dev` run on every start). `--measure` also prints the sizes
 * and the cold start of this package next to the entry the project root runs with its node_modules.
 */

/** The project root: the nearest folder up with a host.json (this file runs from tools/ and dist/tools/). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "host.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no host.json above ${from}`);
  }
}

const ROOT = projectRoot(__dirname);
export const DEPLOY_DIR = join(ROOT, "dist", "deploy");

/** Builds the deployment package from the compiled (or TypeScript) entry into `outDir`. */
export function buildDeployPackage(entry = join(ROOT, "dist", "src", "index.js"), outDir = DEPLOY_DIR): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    external: ["@azure/functions-core"],
    outfile: join(outDir, "index.js"),
    logLevel: "warning",
    // Readable names in the stack traces App Insights records.
    keepNames: true,
  });
  if (result.errors.length > 0) throw new Error(`bundle failed: ${result.errors[0]?.text ?? ""}`);
  copyFileSync(join(ROOT, "host.json"), join(outDir, "host.json"));
  // The portal's page, served from beside the bundle (src/http/portal/staticFiles.ts finds it there):
  // its files only, its script compiled now, not the TypeScript it is compiled from.
  buildPortalScript(ROOT);
  mkdirSync(join(outDir, PORTAL_FOLDER), { recursive: true });
  for (const file of PORTAL_PAGE_FILES) {
    copyFileSync(join(ROOT, PORTAL_FOLDER, file), join(outDir, PORTAL_FOLDER, file));
  }
  const project = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const manifest = { name: project.name, version: project.version, private: true, main: "index.js" };
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Bytes of every file under a directory. */
export function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((total, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return total + directoryBytes(path);
    return entry.isFile() ? total + statSync(path).size : total;
  }, 0);
}

async function measure(): Promise<void> {
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const bundle = readFileSync(join(DEPLOY_DIR, "index.js"));
  console.log(
    `deploy package: ${mb(directoryBytes(DEPLOY_DIR))} (index.js gzipped: ${mb(gzipSync(bundle).length)})`,
  );
  console.log(
    `node_modules of this checkout (what a full npm install puts beside the app): ${mb(directoryBytes(join(ROOT, "node_modules")))}`,
  );
  const runs = 9;
  // Alternate the two entries so that machine load hits both alike.
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    before.push(...(await measureColdStart(runs, FUNCTIONS_ENTRY)).requireMs);
    after.push(...(await measureColdStart(runs, join(DEPLOY_DIR, "index.js"))).requireMs);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(
    `require() median over ${String(before.length)} runs: root entry + node_modules ${String(median(before))} ms, ` +
      `deploy package ${String(median(after))} ms (ratio ${(median(after) / median(before)).toFixed(2)})`,
  );
}

if (require.main === module) {
  buildDeployPackage();
  if (process.argv.includes("--measure")) void measure();
}
