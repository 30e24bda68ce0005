import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

interface Linted {
  readonly path: string;
  readonly linted: boolean;
  /** Whether the configuration gives the path a layer rule at all. */
  readonly layered: boolean;
  readonly messages: readonly string[];
}

const root = join(__dirname, "..", "..");

interface LintCase {
  readonly path: string;
  readonly code: string;
}

/** Each case is linted as if it were a file at `path`, with the project's own lint configuration. */
function lint(cases: readonly LintCase[]): Linted[] {
  const output = execFileSync(process.execPath, [join(__dirname, "lintImports.mjs")], {
    cwd: root,
    input: JSON.stringify(cases),
    encoding: "utf8",
  });
  return JSON.parse(output) as Linted[];
}

/** Each of `cases` gets exactly one message matching `message`; each of `allowed` gets none. */
function expectLintOutcomes(cases: readonly LintCase[], allowed: readonly LintCase[], message: RegExp): void {
  const results = lint([...cases, ...allowed]);

  it.each(cases.map((c, index) => [c.path, c.code, index] as const))(
    "%s: %s is an error",
    (_path, _code, index) => {
      const result = results[index]!;
      expect(result.linted).toBe(true);
      expect(result.messages).toHaveLength(1);
      expect(result.messages[0]).toMatch(message);
    },
  );

  it("allows the imports that follow the rules", () => {
    const rest = results.slice(cases.length);
    expect(rest.map((r) => [r.path, r.messages])).toEqual(allowed.map((a) => [a.path, []]));
    expect(rest.every((r) => r.linted)).toBe(true);
  });
}

describe("npm run lint enforces the layers of src/", () => {
  const cases = [
    { path: "src/scim/newModule.ts", code: 'import { TableClient } from "@azure/data-tables";' },
    { path: "src/scim/patch/newModule.ts", code: 'import type { Config } from "../../config";' },
    { path: "src/store/newModule.ts", code: 'import { routes } from "../http/routes";' },
    { path: "src/service/newModule.ts", code: 'import { TableTenants } from "../store/tableTenants";' },
    { path: "src/tenants/newModule.ts", code: 'import { statusOf } from "../store/storageErrors";' },
    { path: "src/http/handlers/newModule.ts", code: 'import { freePort } from "../../../tools/freePort";' },
    { path: "src/lib/newModule.ts", code: 'export * from "../scim/errors";' },
  ];
  const allowed = [
    { path: "src/scim/patch/newModule.ts", code: 'import { ScimError } from "../errors";' },
    { path: "src/store/newModule.ts", code: 'import type { AuditRecord } from "../service/audit";' },
    {
      path: "src/http/handlers/newModule.ts",
      code: 'import { createServices } from "../../app/composition";',
    },
    { path: "src/functions/newModule.ts", code: 'import { createRoutes } from "../http/routes";' },
  ];
  expectLintOutcomes(cases, allowed, /src\/|Azure/);
});

describe("npm run lint holds code outside the product to its entry modules", () => {
  const cases = [
    { path: "tools/bench/newModule.ts", code: 'import { parseDoc } from "../../src/store/rows";' },
    { path: "tools/newModule.ts", code: 'import { openTables } from "../src/store/tableClients";' },
    {
      path: "tools/bench/newModule.ts",
      code: 'import { ScimClient } from "../../packages/entra-replay/src/client";',
    },
    {
      path: "test/http/newModule.test.ts",
      code: 'import { runReplay } from "../../packages/entra-replay/src/replay";',
    },
    {
      path: "packages/entra-replay/src/newModule.ts",
      code: 'import { loadConfig } from "../../../src/config";',
    },
    {
      path: "packages/entra-replay/src/steps/newModule.ts",
      code: 'import { freePort } from "../../../../tools/freePort";',
    },
  ];
  const allowed = [
    { path: "tools/bench/newModule.ts", code: 'import { parseDoc } from "../../src/store";' },
    { path: "tools/consistency/newModule.ts", code: 'import { userKind } from "../../src/store/index";' },
    {
      path: "tools/bench/newModule.ts",
      code: 'import { ScimClient } from "../../packages/entra-replay/src/index";',
    },
    {
      path: "test/packages/entra-replay/newModule.test.ts",
      code: 'import { x } from "../../../packages/entra-replay/src/client";',
    },
    { path: "test/store/newModule.test.ts", code: 'import { parseDoc } from "../../src/store/rows";' },
    { path: "packages/entra-replay/src/steps/newModule.ts", code: 'import { ScimClient } from "../client";' },
    {
      path: "packages/entra-replay/src/newModule.ts",
      code: 'import { QUARANTINE_RULES } from "entra-provisioning-limits";',
    },
  ];
  expectLintOutcomes(cases, allowed, /src\/store|replay package|workspace package/);
});

describe("every part of src/ has a place in the layer table", () => {
  it("gives each directory and root file of src/ a layer rule", () => {
    const parts = readdirSync(join(root, "src"), { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? `src/${entry.name}/newModule.ts` : `src/${entry.name}`,
    );
    const results = lint(parts.map((path) => ({ path, code: "export {};" })));
    expect(results.filter((result) => !result.layered).map((result) => result.path)).toEqual([]);
    expect(parts.length).toBeGreaterThan(10);
  });
});
