import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findPortalFolder } from "../../src/http/portal/staticFiles";
import { routeTable as routes } from "../support/routeTable";
import { buildDeployPackage, DEPLOY_DIR, directoryBytes } from "../../tools/deployPackage";

const ROOT = join(__dirname, "..", "..");

describe("the deployment package (azd dist: dist/deploy)", () => {
  // Outside the repository, so node cannot fall back on the checkout's node_modules.
  const dir = mkdtempSync(join(tmpdir(), "deploy-package-"));
  const out = join(dir, "package");

  beforeAll(() => {
    buildDeployPackage(join(ROOT, "src", "index.ts"), out);
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
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts["package:deploy"]).toBe("npm run build --silent && node dist/tools/deployPackage.js");
    // azd refuses remoteBuild: false when a .funcignore excludes node_modules.
    expect(existsSync(join(ROOT, ".funcignore"))).toBe(false);
  });
});
