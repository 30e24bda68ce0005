import { runKql, type KqlRow } from "./kql";

describe("the KQL evaluator used by the alert tests", () => {
  const tables: Record<string, KqlRow[]> = {
    T: [
      { a: "Alpha", n: 1, d: { k: "x" } },
      { a: "beta", n: 2, d: { k: "y" } },
      { a: "GAMMA", n: 3, d: {} },
    ],
  };
  const run = (query: string) => runKql(query, { tables, now: 0 });

  it("filters with string operators, case-insensitively where KQL does", () => {
    expect(run('T | where a has "alp"').map((row) => row.n)).toEqual([1]);
    expect(run('T | where a !has "alp"').map((row) => row.n)).toEqual([2, 3]);
    expect(run('T | where a =~ "gamma"').map((row) => row.n)).toEqual([3]);
    expect(run('T | where a startswith "BE" or a endswith "ma"').map((row) => row.n)).toEqual([2, 3]);
    expect(run("T | where n in (1, 3) and n !in (3)").map((row) => row.n)).toEqual([1]);
  });

  it("extends, projects, summarizes by a key and takes", () => {
    expect(
      run(
        "T | extend k = tostring(d.k), big = n >= 2 | summarize c = count(), b = countif(big), m = max(n) by k | take 2",
      ),
    ).toEqual([
      { k: "x", c: 1, b: 0, m: 1 },
      { k: "y", c: 1, b: 1, m: 2 },
    ]);
    expect(run("T | project a, twice = n * 2 | take 1")).toEqual([{ a: "Alpha", twice: 2 }]);
  });

  it("summarizes an empty input to one row without by, to none with by", () => {
    expect(run("T | where n > 9 | summarize c = count(), m = max(n)")).toEqual([{ c: 0, m: null }]);
    expect(run("T | where n > 9 | summarize c = count() by a")).toEqual([]);
  });

  it("refuses what it does not know, instead of guessing", () => {
    expect(() => run("T | join (T) on a")).toThrow(/not handled/);
    expect(() => run("T | where hash(a) > 0")).toThrow(/KQL function not handled: hash/);
    expect(() => run("T | where")).toThrow(/does not parse/);
  });
});
