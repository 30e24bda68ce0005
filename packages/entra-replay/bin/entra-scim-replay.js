#!/usr/bin/env node
// The replay's command: runs dist/cli.js, compiling the package first (tsc) when a source, the
// tsconfig or the package.json is newer than the last compile, so `npx entra-scim-replay` works
// in a fresh checkout after `npm ci`. Plain JavaScript: it runs before anything is compiled.
"use strict";

const { spawnSync } = require("node:child_process");
const { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const PACKAGE = join(__dirname, "..");
const DIST = join(PACKAGE, "dist");
/** Dated to when the last successful compile started. */
const COMPILED = join(DIST, ".compiled");

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest change among the package's inputs; a folder's mtime tells of added or deleted files. */
function newestInput(path = join(PACKAGE, "src")) {
  const entries = readdirSync(path, { withFileTypes: true });
  return entries.reduce(
    (newest, entry) =>
      Math.max(
        newest,
        entry.isDirectory() ? newestInput(join(path, entry.name)) : mtime(join(path, entry.name)),
      ),
    Math.max(mtime(path), mtime(join(PACKAGE, "tsconfig.json")), mtime(join(PACKAGE, "package.json"))),
  );
}

function compile() {
  const started = new Date();
  const tsc = require.resolve("typescript/bin/tsc", { paths: [PACKAGE] });
  // tsc's messages go to stderr: stdout is the report (JSON with --json).
  const result = spawnSync(process.execPath, [tsc, "-p", PACKAGE], { stdio: ["inherit", 2, 2] });
  if (result.status !== 0) return false;
  mkdirSync(DIST, { recursive: true });
  writeFileSync(COMPILED, `${started.toISOString()}\n`);
  utimesSync(COMPILED, started, started);
  return true;
}

if (mtime(COMPILED) === 0 || newestInput() > mtime(COMPILED)) {
  console.error("entra-scim-replay: compiling (tsc)...");
  if (!compile()) {
    console.error("entra-scim-replay: the compile failed (see above).");
    process.exit(1);
  }
}
process.argv.splice(1, process.argv.length - 1, join(DIST, "cli.js"), ...process.argv.slice(2));
require("node:module").runMain();
