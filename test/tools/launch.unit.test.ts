import { spawnSync } from "node:child_process";
import {
  symlinkSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * tools/launch.js in a copy of the repository's layout: a fake `tsc` counts compiles and writes the
 * tool, so the test sees when the launcher compiles and what it runs.
 */
describe("the tool launcher (npm run tenant, dev, entra, bench, check-consistency)", () => {
  let root: string;
  const count = (file: string) =>
    existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8").length : 0;
  const compiles = () => count("compiles");
  const launch = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, "tools", "launch.js"), ...args], { cwd: root, encoding: "utf8" });
  const age = (path: string, secondsAgo: number) => {
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, when, when);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "launch-"));
    mkdirSync(join(root, "tools"));
    mkdirSync(join(root, "src", "store"), { recursive: true });
    copyFileSync(join(__dirname, "..", "..", "tools", "launch.js"), join(root, "tools", "launch.js"));
    writeFileSync(join(root, "src", "store", "table.ts"), "export {};\n");
    writeFileSync(join(root, "tsconfig.build.json"), "{}\n");
    writeFileSync(join(root, "tsconfig.tools.json"), "{}\n");
    // The Functions bundle step: one character per run.
    writeFileSync(
      join(root, "package.json"),
      JSON.stringify({ scripts: { bundle: `node -e "require('fs').appendFileSync('bundles', 'x')"` } }),
    );
    mkdirSync(join(root, "node_modules"));
    symlinkSync(
      join(__dirname, "..", "..", "node_modules", "esbuild"),
      join(root, "node_modules", "esbuild"),
    );
    // The fake compiler: one character per compile, then the tool a real compile would emit.
    mkdirSync(join(root, "node_modules", "typescript", "bin"), { recursive: true });
    writeFileSync(
      join(root, "node_modules", "typescript", "bin", "tsc"),
      `const fs = require("fs"), path = require("path");
       if (process.env.FAIL_TSC) { console.log("error TS1005"); process.exit(2); }
       fs.appendFileSync(path.join(process.cwd(), "compiles"), "x");
       fs.appendFileSync("configs", path.basename(process.argv[process.argv.indexOf("-p") + 1]) + "\\n");
       fs.mkdirSync("dist/tools", { recursive: true });
       const n = fs.readFileSync("compiles", "utf8").length;
       fs.writeFileSync("dist/tools/greeting.js", 'module.exports = "hello ' + n + '";');
       fs.writeFileSync("dist/tools/hello.js", 'const greeting = require("./greeting");' +
         'console.log(JSON.stringify({ greeting, main: require.main === module, args: process.argv.slice(2) }));');`,
    );
    for (const path of [
      "tools/launch.js",
      "src/store/table.ts",
      "src/store",
      "src",
      "tools",
      "tsconfig.build.json",
      "tsconfig.tools.json",
    ])
      age(join(root, path), 60);
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("compiles on the first start, then runs the tool as the main module with its arguments", () => {
    const first = launch("tools/hello", "list", "--json");
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ greeting: "hello 1", main: true, args: ["list", "--json"] });
    expect(first.stderr).toContain("compiling");
    expect(compiles()).toBe(1);
    expect(count("bundles")).toBe(1);

    const second = launch("tools/hello", "list");
    expect(JSON.parse(second.stdout)).toEqual({ greeting: "hello 1", main: true, args: ["list"] });
    expect(second.stderr).toBe("");
    expect(compiles()).toBe(1);
  });

  it("compiles again after a source is edited, added or deleted, and only then", () => {
    launch("tools/hello");
    expect(compiles()).toBe(1);

    writeFileSync(join(root, "src", "store", "table.ts"), "export const edited = 1;\n");
    launch("tools/hello");
    expect(compiles()).toBe(2);
    launch("tools/hello");
    expect(compiles()).toBe(2);

    // A deleted file leaves no newer file behind: its folder's mtime tells.
    age(join(root, "src", "store", "table.ts"), 60);
    age(join(root, "dist", ".compiled"), 30);
    rmSync(join(root, "src", "store", "table.ts"));
    launch("tools/hello");
    expect(compiles()).toBe(3);

    writeFileSync(join(root, "tools", "new.ts"), "export {};\n");
    launch("tools/hello");
    expect(compiles()).toBe(4);
  });

  it("does not run the tool when the compile fails, and compiles again next time", () => {
    const failed = spawnSync(process.execPath, [join(root, "tools", "launch.js"), "tools/hello"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, FAIL_TSC: "1" },
    });
    expect(failed.status).toBe(1);
    // tsc writes its errors to stdout; the launcher sends them to stderr, where they belong here.
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toContain("error TS1005");
    expect(failed.stderr).toContain("The build failed");
    expect(launch("tools/hello").status).toBe(0);
    expect(compiles()).toBe(1);
  });

  it("--single-file runs the tool bundled into one file, bundled again only after a compile", () => {
    const first = launch("--single-file", "tools/hello", "a");
    expect(JSON.parse(first.stdout)).toEqual({ greeting: "hello 1", main: true, args: ["a"] });
    const bundled = join(root, "dist", "cli", "tools", "hello.js");
    expect(readFileSync(bundled, "utf8")).toContain('"hello 1"');
    // One file: the compiled module it required is inside it.
    rmSync(join(root, "dist", "tools", "greeting.js"));
    expect(JSON.parse(launch("--single-file", "tools/hello").stdout)).toMatchObject({ greeting: "hello 1" });
    expect(compiles()).toBe(1);

    writeFileSync(join(root, "src", "store", "table.ts"), "export const edited = 1;\n");
    expect(JSON.parse(launch("--single-file", "tools/hello").stdout)).toMatchObject({ greeting: "hello 2" });
    expect(compiles()).toBe(2);
    expect(existsSync(join(root, "dist", "tools", "greeting.js"))).toBe(true);
  });

  const configs = () => readFileSync(join(root, "configs"), "utf8").trim().split("\n");

  it("--build always compiles the product's project alone (npm run build); a tool compiles the tools' project", () => {
    expect(launch("--build").status).toBe(0);
    expect(launch("--build").status).toBe(0);
    expect(compiles()).toBe(2);
    expect(count("bundles")).toBe(2);
    expect(configs()).toEqual(["tsconfig.build.json", "tsconfig.build.json"]);
    // The product's build says nothing about the tools: the first tool start compiles them.
    launch("tools/hello");
    launch("tools/hello");
    expect(compiles()).toBe(3);
    expect(configs()).toEqual(["tsconfig.build.json", "tsconfig.build.json", "tsconfig.tools.json"]);
  });

  it("--from-source bundles one tool from its TypeScript and runs it, with no compile of the project", () => {
    writeFileSync(
      join(root, "tools", "shipIt.ts"),
      'import { join } from "node:path";\n' +
        'const parts: string[] = ["ship", join("a", "b"), ...process.argv.slice(2)];\nconsole.log(parts.join(" "));\n',
    );
    // A type error elsewhere in tools/ does not matter: nothing else is compiled.
    writeFileSync(join(root, "tools", "broken.ts"), "export const n: number = 'not a number';\n");
    const result = launch("--from-source", "tools/shipIt", "now");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`ship ${join("a", "b")} now\n`);
    expect(compiles()).toBe(0);
  });
});
