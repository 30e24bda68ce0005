import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot as root, trackedFiles } from "../support/trackedFiles";

/**
 * References a reader of this repository cannot follow: notes kept outside it and tracker numbers.
 * The pieces are joined here so that this file does not match its own search.
 */
const OUTSIDE_REFERENCE = new RegExp(
  [
    ["issue", " ?[0-9]"].join(""),
    ["entra-provisioning", "\\.md"].join(""),
    ["prior-art", "\\.md"].join(""),
    ["azure", "-practice"].join(""),
    ["integration", "\\.md"].join(""),
    ["entra", "-2026"].join(""),
    ["/work", "/shared"].join(""),
    ["\\.\\./", "shared"].join(""),
  ].join("|"),
  "i",
);

/** `docs/<name>.md#<anchor>` as code comments and docs write it. */
const DOC_ANCHOR = /docs\/([\w-]+\.md)#([\w-]+)/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchorsIn(doc: string): Set<string> {
  const headings = readFileSync(join(root, "docs", doc), "utf8").match(/^#+ .*$/gm) ?? [];
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ""))));
}

describe("the repository explains itself", () => {
  const files = trackedFiles().map((path) => ({ path, text: readFileSync(join(root, path), "utf8") }));

  it("reads the tracked files", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((file) => file.path === "docs/entra-behaviour.md")).toBe(true);
  });

  it("cites no document outside the repository and no tracker number", () => {
    const hits = files.flatMap(({ path, text }) =>
      text
        .split("\n")
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => OUTSIDE_REFERENCE.test(line))
        .map(({ line, index }) => `${path}:${index + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it("points only at sections of docs/ that exist", () => {
    const anchors = new Map<string, Set<string>>();
    const broken: string[] = [];
    let checked = 0;
    for (const { path, text } of files) {
      for (const [reference, doc, anchor] of text.matchAll(DOC_ANCHOR)) {
        if (doc === undefined || anchor === undefined) continue;
        if (!existsSync(join(root, "docs", doc))) {
          broken.push(`${path}: ${reference}`);
          continue;
        }
        checked += 1;
        if (!anchors.has(doc)) anchors.set(doc, anchorsIn(doc));
        if (!anchors.get(doc)?.has(anchor)) broken.push(`${path}: ${reference}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it("would catch a citation of an outside note or an issue number", () => {
    expect(OUTSIDE_REFERENCE.test(["see ", "Issue", " 12"].join(""))).toBe(true);
    expect(OUTSIDE_REFERENCE.test(["entra-provisioning", ".md §6"].join(""))).toBe(true);
    expect(OUTSIDE_REFERENCE.test("see docs/entra-behaviour.md#quarantine-rules")).toBe(false);
    expect(anchorOf("Why a storage fault is 503, not 401, 404 or 409")).toBe(
      "why-a-storage-fault-is-503-not-401-404-or-409",
    );
  });
});
