import { readFileSync } from "node:fs";
import { join } from "node:path";

const yaml = readFileSync(join(__dirname, "..", "..", "azure.yaml"), "utf8");

describe("azure.yaml", () => {
  it("requires an azd that knows remoteBuild, AZURE_PRINCIPAL_TYPE and per-OS hooks", () => {
    expect(yaml).toMatch(/^requiredVersions:\n(?: {2}#.*\n)* {2}azd: ">= 1\.18\.0"$/m);
  });

  it("declares every hook for both posix and windows, with the same command", () => {
    const hooks = [...yaml.matchAll(/^( +)(pre|post)(\w+):\n((?:\1 {2}.*\n)+)/gm)].map(
      ([, , when, event, body]) => {
        const entries = [...(body ?? "").matchAll(/^ +(posix|windows):\n +shell: \w+\n +run: (.+)$/gm)];
        return {
          hook: `${when ?? ""}${event ?? ""}`,
          os: entries.map(([, os]) => os),
          runs: new Set(entries.map(([, , run]) => run)).size,
        };
      },
    );
    expect(hooks.map((hook) => hook.hook).sort()).toEqual(["postdeploy", "prepackage"]);
    for (const hook of hooks) {
      expect(hook.os).toEqual(["posix", "windows"]);
      expect(hook.runs).toBe(1);
    }
  });
});
