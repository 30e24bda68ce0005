import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot, trackedFiles } from "../support/trackedFiles";

/** One spelling of the word family, as JSON.stringify's documentation and most of the code use it. */
const OTHER_SPELLING = new RegExp(["serial", "is"].join(""), "i");

describe("names in the repository", () => {
  const files = trackedFiles()
    .filter((path) => /\.(ts|js|mjs|md|json|bicep)$/.test(path))
    .map((path) => ({ path, text: readFileSync(join(repositoryRoot, path), "utf8") }));
  const source = files.filter(({ path }) => path.startsWith("src/") && path.endsWith(".ts"));

  it("spells serialize one way", () => {
    expect(files.length).toBeGreaterThan(100);
    const hits = files.filter(({ text }) => OTHER_SPELLING.test(text)).map(({ path }) => path);
    expect(hits).toEqual([]);
    expect(OTHER_SPELLING.test(["de", "serial", "iser"].join(""))).toBe(true);
  });

  it("builds the services in one place: the composition root, called by the Functions entry", () => {
    const builders = source.filter(({ text }) => /\bcreateServices\(/.test(text)).map(({ path }) => path);
    expect(builders.sort()).toEqual(["src/app/composition.ts", "src/functions/register.ts"]);
  });

  it("keeps no services in a module variable of src/", () => {
    // A top-level `let` (or a setter) holding the services is how a process-wide singleton starts.
    const singleton = /^(?:export )?let \w+\s*:\s*AppServices\b|^export function use\w*\(\w+: AppServices\)/m;
    expect(source.filter(({ text }) => singleton.test(text)).map(({ path }) => path)).toEqual([]);
    expect(singleton.test("let current: AppServices | undefined;")).toBe(true);
  });
});
