import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..", "..");

function listTests(config: string): string[] {
  const output = execFileSync(
    process.execPath,
    [join(root, "node_modules", "jest", "bin", "jest.js"), "-c", config, "--listTests", "--json"],
    { cwd: root, encoding: "utf8" },
  );
  return (JSON.parse(output) as string[]).map((path) => relative(root, path)).sort();
}

/** Helpers that start or reach Azurite, a child host or the network. */
const NEEDS_MORE_THAN_UNIT =
  /from "(?:\.{1,2}\/)+(?:support\/(?:testServices|browser)|reliability\/support\/|tools\/(?:azurite|devEnvironment|localHost))"/;

describe("test lanes", () => {
  const everything = listTests("jest.config.js");
  const unit = listTests("jest.unit.config.js");

  it("npm test runs every test; the unit lane is a part of it", () => {
    expect(everything.length).toBeGreaterThan(unit.length);
    expect(unit.filter((path) => !everything.includes(path))).toEqual([]);
  });

  it("puts test/scim/, test/lib/, test/repository/ and *.unit.test.ts files, and only those, in the unit lane", () => {
    const expected = everything.filter((path) =>
      /^test\/(scim|lib|repository)\/|\.unit\.test\.ts$/.test(path.split("\\").join("/")),
    );
    expect(unit).toEqual(expected);
    expect(unit).toContain(join("test", "scim", "patch", "apply.test.ts"));
  });

  it("keeps tests that need Azurite or a host out of the unit lane", () => {
    const misplaced = unit.filter((path) =>
      NEEDS_MORE_THAN_UNIT.test(readFileSync(join(root, path), "utf8")),
    );
    expect(misplaced).toEqual([]);
    const azurite = everything.filter((path) =>
      NEEDS_MORE_THAN_UNIT.test(readFileSync(join(root, path), "utf8")),
    );
    expect(azurite).toContain(join("test", "reliability", "soak.test.ts"));
  });
});
