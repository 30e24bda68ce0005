import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { findPortalFolder } from "../../src/http/portal/staticFiles";
import { routeTable as routes } from "../support/routeTable";
import { buildDeployPackage, DEPLOY_DIR, directoryBytes, notProduct } from "../../tools/deployPackage";

const ROOT = join(__dirname, "..", "..");
const project = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lockfile = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as Parameters<
  typeof notProduct
>[1];

/** Files outside the product's own code: tools, tests, examples and the replay package. */
const NOT_SHIPPED = /^(tools|test|examples|packages\/entra-replay)\//;

describe("the deployment package (azd dist: dist/deploy)", () => {
  // Outside the repository, so node cannot fall back on the checkout's node_modules.
  const dir = mkdtempSync(join(tmpdir(), "deploy-package-"));
  const out = join(dir, "package");
  let shipped: readonly string[] = [];

  beforeAll(() => {
    shipped = buildDeployPackage(join(ROOT, "src", "index.ts"), out);
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function load(env: NodeJS.ProcessEnv) {
    return spawnSync(process.execPath, ["-e", 'require("./index.js")'], {
      cwd: out,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...env },
      timeout: 60_000,
    });
  }

  it("is host.json, a package.json without dependencies, the portal's page, and one bundle", () => {
    expect(readdirSync(out).sort()).toEqual(["host.json", "index.js", "package.json", "portal"]);
    expect(readFileSync(join(out, "portal", "index.html"), "utf8")).toBe(
      readFileSync(join(ROOT, "portal", "index.html"), "utf8"),
    );
    expect(readdirSync(join(out, "portal")).sort()).toEqual(["app.css", "app.js", "index.html"]);
    // The bundle looks for the page beside itself first.
    expect(findPortalFolder(out)).toBe(join(out, "portal"));
    const manifest = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ main: "index.js", private: true });
    expect(manifest).not.toHaveProperty("dependencies");
    expect(readFileSync(join(out, "host.json"), "utf8")).toBe(readFileSync(join(ROOT, "host.json"), "utf8"));
    expect(directoryBytes(out)).toBeLessThan(25 * 1_048_576);
  });

  it("loads without any node_modules and registers every function of the route table", () => {
    const result = load({ STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" });
    expect(result.stderr).not.toContain("Cannot find module");
    expect(result.status).toBe(0);
    const output = result.stdout + result.stderr;
    for (const name of [...routes.map((route) => route.name), "auditRetention"])
      expect(output).toContain(`register function "${name}"`);
  });

  it("loads the telemetry SDK and the Azure clients from the bundle too", () => {
    const result = load({
      STORAGE_TABLE_ENDPOINT: "https://st.table.core.windows.net/",
      KEY_VAULT_URI: "https://kv.vault.azure.net/",
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
    });
    expect(result.stderr).not.toContain("Cannot find module");
    expect(result.status).toBe(0);
  });

  it("holds the code of src/ and production packages only: no tools, tests or devDependencies", () => {
    expect(shipped).toContain("src/index.ts");
    expect(shipped).toContain("src/http/routes.ts");
    expect(shipped.some((file) => file.startsWith("node_modules/@azure/data-tables/"))).toBe(true);
    expect(shipped.filter((file) => NOT_SHIPPED.test(file))).toEqual([]);
    const devPackages = Object.keys(project.devDependencies);
    expect(devPackages).toContain("jest");
    expect(
      shipped.filter((file) => devPackages.some((name) => file.startsWith(`node_modules/${name}/`))),
    ).toEqual([]);
    expect(notProduct(shipped, lockfile)).toEqual([]);
  });

  it("would refuse a bundle that reached into tools, tests or a devDependency", () => {
    const bundle = [
      "src/index.ts",
      "dist/src/index.js",
      "tools/bench/cli.ts",
      "dist/tools/bench/cli.js",
      "test/support/testServices.ts",
      "node_modules/@azure/data-tables/dist/commonjs/index.js",
      "node_modules/jest/build/index.js",
      "node_modules/esbuild/lib/main.js",
    ];
    expect(notProduct(bundle, lockfile)).toEqual([
      "tools/bench/cli.ts",
      "dist/tools/bench/cli.js",
      "test/support/testServices.ts",
      "node_modules/jest/build/index.js",
      "node_modules/esbuild/lib/main.js",
    ]);
  });

  it("is compiled by npm run build from src/ alone, so a type error in a tool cannot stop a deploy", () => {
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const listed = (config: string) =>
      execFileSync(process.execPath, [tsc, "-p", config, "--listFilesOnly"], { cwd: ROOT, encoding: "utf8" })
        .split("\n")
        .map((file) => relative(ROOT, file.trim()).split(sep).join("/"))
        .filter((file) => file !== "" && !file.startsWith("node_modules/"));
    const product = listed("tsconfig.build.json");
    expect(product).toContain("src/index.ts");
    // Besides src/: the declarations of the one workspace package the product depends on.
    expect(product.filter((file) => !file.startsWith("src/"))).toEqual(["packages/entra-limits/index.d.ts"]);
    // The tools compile on their own (when a tool starts), and the typecheck covers everything.
    const include = (config: string) =>
      (JSON.parse(readFileSync(join(ROOT, config), "utf8")) as { include: string[] }).include;
    expect(include("tsconfig.tools.json")).toEqual(expect.arrayContaining(["tools", "examples"]));
    expect(include("tsconfig.json")).toEqual(expect.arrayContaining(["src", "tools", "test", "examples"]));
    // (and the portal page's browser TypeScript under its own DOM configuration).
    expect(project.scripts.typecheck).toBe(
      "tsc -p tsconfig.json --noEmit && tsc -p tsconfig.portal.json --noEmit",
    );
  }, 120_000);

  it("is what azure.yaml builds and deploys, with no remote build", () => {
    const yaml = readFileSync(join(ROOT, "azure.yaml"), "utf8");
    expect(yaml).toMatch(new RegExp(`^ {4}dist: ${relative(ROOT, DEPLOY_DIR)}$`, "m"));
    expect(yaml).toMatch(/^ {4}remoteBuild: false$/m);
    // Built by the service's prepackage hook on every OS, through the npm script that runs this module.
    const hook = /^ {6}prepackage:\n((?: {8}.*\n)+)/m.exec(yaml)?.[1] ?? "";
    expect(
      [...hook.matchAll(/^ {8}(\w+):\n {10}shell: \w+\n {10}run: (.+)$/gm)].map(([, os, run]) => [os, run]),
    ).toEqual([
      ["posix", "npm run --silent package:deploy"],
      ["windows", "npm run --silent package:deploy"],
    ]);
    expect(project.scripts["package:deploy"]).toBe(
      "npm run build --silent && node tools/launch.js --from-source tools/deployPackage",
    );
    expect(project.scripts.build).toBe("node tools/launch.js --build");
    // azd refuses remoteBuild: false when a .funcignore excludes node_modules.
    expect(existsSync(join(ROOT, ".funcignore"))).toBe(false);
  });
});
