import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");
const PACKAGE = join(ROOT, "packages", "entra-replay");

/**
 * The replay as a user runs it from the repository after `npm ci`: the package's bin, linked into
 * node_modules/.bin by the workspace install, and the root's `npm run entra` that calls it. The first run
 * compiles the package (tsc), so this is no unit test.
 */
describe("the entra-scim-replay bin", () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as {
    name: string;
    bin: Record<string, string>;
    dependencies: Record<string, string>;
  };

  it("is linked by the workspace install and names the package's own bin script", () => {
    expect(manifest.bin).toEqual({ "entra-scim-replay": "bin/entra-scim-replay.js" });
    const linked = join(ROOT, "node_modules", ".bin", "entra-scim-replay");
    expect(existsSync(linked)).toBe(true);
    expect(realpathSync(linked)).toBe(realpathSync(join(PACKAGE, "bin", "entra-scim-replay.js")));
    // It depends on nothing of the connector: only the limits package beside it.
    expect(manifest.dependencies).toEqual({ "entra-provisioning-limits": "0.1.0" });
  });

  it("runs the replay's command line, directly and through npm run entra", () => {
    const direct = spawnSync(process.execPath, [join(PACKAGE, "bin", "entra-scim-replay.js"), "--help"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toMatch(
      /^Usage: entra-scim-replay replay --url <Tenant URL> --token <Secret Token>/,
    );

    const viaScript = spawnSync("npm", ["run", "--silent", "entra", "--", "replay", "--url", "not a url"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    // A usage error: exit 2 with the usage, as `npm run entra -- …` always answered it.
    expect(viaScript.status).toBe(2);
    expect(viaScript.stderr).toContain("Usage: entra-scim-replay");
  }, 150_000);
});
