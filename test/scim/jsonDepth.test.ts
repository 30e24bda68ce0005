import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../src/scim/jsonDepth";

describe("JSON depth, measured before parsing", () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}[1]${"}".repeat(levels - 1)}`;

  it("accepts the limit and refuses one level more", () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan("[".repeat(100_000))).toBe(true);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ value: "[[[[{{{{".repeat(100), quoted: '\\"[[[[' });
    expect(nestsDeeperThan(text, 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify([[["\\\\"], [[1]]]]), 3)).toBe(true);
  });
});
