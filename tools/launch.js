// Starts a compiled tool (dist/tools/...) and compiles first only when a source is newer than the
// last compile, so `npm run tenant -- list` costs a compile only after an edit, a pull or a clean.
// Plain JavaScript on purpose: it must run before anything is compiled.
//
//   node tools/launch.js tools/dev [arguments]            run dist/tools/dev.js, compiling if stale
//   node tools/launch.js --single-file tools/tenantCli    the same from one bundled file (dist/cli/...):
//                                                         a short-lived command starts faster
//                                                         without resolving hundreds of package files
//   node tools/launch.js --from-source tools/deployPackage  bundle one tool from its TypeScript (esbuild,
//                                                         no type check) and run it: the deploy path, which
//                                                         must not depend on the other tools compiling
//   node tools/launch.js --build                          compile the product now (npm run build): src/
//                                                         only, then the Functions bundle
"use strict";

const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const { delimiter, join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const DIST = join(ROOT, "dist");
/** Written after each successful compile of the tools; its mtime is the time that compile started. */
const STAMP = join(DIST, ".compiled");
/** The product (what ships: src/ and the portal page) and the tools (src/, tools/, examples/ and the replay they use). */
const PRODUCT_CONFIG = "tsconfig.build.json";
const TOOLS_CONFIG = "tsconfig.tools.json";
const SOURCE_FOLDERS = ["src", "tools", "examples", "packages", "portal"];
/** Output and installs inside the source folders (packages/<name>/dist, .../node_modules). */
const NOT_SOURCE = new Set(["dist", "node_modules"]);
// The lock file npm writes into node_modules: an install can change what a single-file tool bundles.
const SOURCE_FILES = [
  "tsconfig.json",
  PRODUCT_CONFIG,
  TOOLS_CONFIG,
  "package.json",
  "node_modules/.package-lock.json",
];
/** Loaded lazily by the app (Key Vault, Azure sign-in, telemetry): left out of single-file tools. */
const LAZY_PACKAGES = [
  "@azure/functions-core",
  "applicationinsights",
  "@azure/identity",
  "@azure/keyvault-secrets",
];

function mtimeOrZero(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The newest change under the source folders. Folders count too: adding, deleting or renaming a
 * file changes its folder's mtime, which a file's own mtime would miss.
 */
function newestSourceChange() {
  let newest = Math.max(...SOURCE_FILES.map((file) => mtimeOrZero(join(ROOT, file))));
  const visit = (folder) => {
    newest = Math.max(newest, mtimeOrZero(folder));
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_SOURCE.has(entry.name)) visit(path);
      } else if (entry.name.endsWith(".ts")) newest = Math.max(newest, mtimeOrZero(path));
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    if (mtimeOrZero(join(ROOT, folder)) > 0) visit(join(ROOT, folder));
  }
  return newest;
}

/** True when no source changed since the last compile into `dist`. */
function isFresh() {
  const compiled = mtimeOrZero(STAMP);
  return compiled > 0 && newestSourceChange() <= compiled;
}

/** A compile's messages go to stderr: stdout is the tool's (JSON for a script that asked for it). */
const TO_STDERR = ["inherit", 2, 2];

/**
 * Compiles one TypeScript project into dist/ (tsc, incremental), then the Functions bundle
 * (package.json's `bundle` script) and the portal page's script (`bundle:portal`). `npm run build` compiles the product's project (src/ only: a type
 * error in a tool cannot stop a build or a deploy); a tool's start compiles the tools' project, which
 * holds src/ too. Returns false when either step fails.
 */
function compile(config) {
  const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, "-p", join(ROOT, config)], {
    cwd: ROOT,
    stdio: TO_STDERR,
  });
  if (result.status !== 0) return false;
  if (!runScript("bundle")) return false;
  // The portal page's script (portal/app.js) ships with the product; a project without the page (a
  // test's scratch copy) has no such script.
  return !existsSync(join(ROOT, "portal", "scripts")) || runScript("bundle:portal");
}

/** Runs one of package.json's scripts with the project's own binaries first on PATH. */
function runScript(name) {
  const script = require(join(ROOT, "package.json")).scripts[name];
  const run = spawnSync(script, {
    cwd: ROOT,
    stdio: TO_STDERR,
    shell: true,
    env: {
      ...process.env,
      PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  return run.status === 0;
}

/** Compiles the tools, and records when that compile started for the next start's freshness check. */
function compileTools() {
  const started = new Date();
  if (!compile(TOOLS_CONFIG)) return false;
  mkdirSync(DIST, { recursive: true });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  // An edit made while tsc ran is newer than this, so the next start compiles again.
  utimesSync(STAMP, started, started);
  return true;
}

/** The compiled tool as one file (its packages inside), rebuilt when older than the last compile. */
function singleFile(tool) {
  const compiled = join(DIST, `${tool}.js`);
  const bundled = join(DIST, "cli", `${tool}.js`);
  if (mtimeOrZero(bundled) >= mtimeOrZero(STAMP)) return bundled;
  require(require.resolve("esbuild", { paths: [ROOT] })).buildSync({
    entryPoints: [compiled],
    outfile: bundled,
    bundle: true,
    platform: "node",
    target: "node20",
    external: LAZY_PACKAGES,
    logLevel: "warning",
  });
  return bundled;
}

/**
 * A tool bundled straight from its TypeScript source with the packages it imports left outside:
 * esbuild strips the types without checking them (`npm run typecheck` and CI do), so only this tool's
 * own imports have to parse.
 */
function fromSource(tool) {
  const bundled = join(DIST, "cli", `${tool}.js`);
  require(require.resolve("esbuild", { paths: [ROOT] })).buildSync({
    entryPoints: [join(ROOT, `${tool}.ts`)],
    outfile: bundled,
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return bundled;
}

/** Runs the tool as the main module, in this process: its `require.main === module` check holds. */
function run(entry, args) {
  process.argv.splice(1, process.argv.length - 1, entry, ...args);
  require("node:module").runMain();
}

function main(argv) {
  if (argv[0] === "--build") {
    process.exitCode = compile(PRODUCT_CONFIG) ? 0 : 1;
    return;
  }
  if (argv[0] === "--from-source" && argv[1] !== undefined) {
    run(fromSource(argv[1]), argv.slice(2));
    return;
  }
  const single = argv[0] === "--single-file";
  const [tool, ...args] = single ? argv.slice(1) : argv;
  if (tool === undefined) {
    console.error(
      "Usage: node tools/launch.js [--single-file | --from-source] <tools/name> [arguments] | --build",
    );
    process.exitCode = 2;
    return;
  }
  if (!isFresh()) {
    console.error("Sources changed since the last build: compiling (tsc)...");
    if (!compileTools()) {
      console.error("The build failed (see above); fix it, or run 'npm run typecheck' for the errors.");
      process.exitCode = 1;
      return;
    }
  }
  // No second Node.js start is paid.
  run(single ? singleFile(tool) : join(DIST, `${tool}.js`), args);
}

if (require.main === module) main(process.argv.slice(2));
