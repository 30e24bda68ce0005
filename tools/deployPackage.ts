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
import { spawnSync } from "node:child_process";
import { dirname, join, relative, sep } from "node:path";
import { buildSync } from "esbuild";
import { PORTAL_FOLDER } from "../src/http/portal/staticFiles";
import { buildPortalScript, PORTAL_PAGE_FILES } from "./portalScript";

/**
 * The package azd deploys (azure.yaml `dist: dist/deploy`, `remoteBuild: false`): host.json, a
 * package.json without dependencies, the portal's page (`portal/`), and one esbuild bundle that holds the app and every production
 * dependency. Nothing is installed in Azure, so no devDependency can reach the app and the package is a
 * few MB instead of a remote `npm install`. Only `@azure/functions-core` stays outside: the Functions
 * Node worker provides it.
 *
 * `npm run package:deploy` builds it (azd runs that as the service's prepackage hook): `npm run build`
 * (src/ only), then this module, bundled from its source on its own (`launch.js --from-source`), so no
 * other tool has to compile for a deploy. `--measure` then runs tools/bench/deployPackageSize.ts.
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

/**
 * Builds the deployment package from the compiled (or TypeScript) entry into `outDir`. Returns every
 * source file the bundle holds (relative to the project root, `/`-separated): what the deploy ships.
 */
export function buildDeployPackage(
  entry = join(ROOT, "dist", "src", "index.js"),
  outDir = DEPLOY_DIR,
): readonly string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    // supports-color: `debug` tries it inside a try/catch; only devDependencies install it, so a
    // production install does not have it either (and `notProduct` below would refuse it).
    external: ["@azure/functions-core", "supports-color"],
    outfile: join(outDir, "index.js"),
    logLevel: "warning",
    // Readable names in the stack traces App Insights records.
    keepNames: true,
    metafile: true,
  });
  if (result.errors.length > 0) throw new Error(`bundle failed: ${result.errors[0]?.text ?? ""}`);
  // esbuild names inputs relative to the working directory.
  const inputs = Object.keys(result.metafile.inputs).map((input) =>
    relative(ROOT, join(process.cwd(), input)).split(sep).join("/"),
  );
  const lockfile = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as Lockfile;
  const strays = notProduct(inputs, lockfile);
  if (strays.length > 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`the bundle holds code that is no part of the product: ${strays.slice(0, 5).join(", ")}`);
  }
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
  return inputs;
}

interface Lockfile {
  readonly packages: Readonly<Record<string, { readonly dev?: boolean; readonly devOptional?: boolean }>>;
}

/**
 * The files of a bundle that are no part of the product: anything outside src/ (or its compiled
 * dist/src/: tools, tests, examples)
 * that is not in a package the lockfile installs for production (`dev` and `devOptional` entries are
 * devDependencies or only theirs). A file belongs to the deepest lockfile entry whose folder holds it.
 */
export function notProduct(inputs: readonly string[], lockfile: Lockfile): string[] {
  const folders = Object.keys(lockfile.packages)
    .filter((folder) => folder !== "")
    .sort((a, b) => b.length - a.length);
  return inputs.filter((input) => {
    if (/^(dist\/)?src\//.test(input)) return false;
    const folder = folders.find((candidate) => input.startsWith(`${candidate}/`));
    const entry = folder === undefined ? undefined : lockfile.packages[folder];
    return entry === undefined || entry.dev === true || entry.devOptional === true;
  });
}

/** Bytes of every file under a directory. */
export function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((total, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return total + directoryBytes(path);
    return entry.isFile() ? total + statSync(path).size : total;
  }, 0);
}

if (require.main === module) {
  buildDeployPackage();
  if (process.argv.includes("--measure")) {
    // Run, not imported: the bench's sources are no part of a deploy.
    const launcher = join(ROOT, "tools", "launch.js");
    spawnSync(process.execPath, [launcher, "tools/bench/deployPackageSize"], { stdio: "inherit" });
  }
}
