import { progressLine, progressText, type ProgressStream } from "../../../packages/entra-replay/src/progress";

function stream(isTTY: boolean): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY,
    columns: 100,
    written,
    write(text: string) {
      written.push(text);
      return true;
    },
  };
}

const at = (elapsedMs: number, requests = 10, failures = 0) => ({
  requests,
  failures,
  elapsedMs,
  step: "Initial cycle: create users",
});

describe("the replay's progress line", () => {
  it("says requests done, failures so far, elapsed time and the step", () => {
    expect(progressText(at(12_345, 42, 3))).toBe(
      "42 requests, 3 failed checks, 12.3 s — Initial cycle: create users",
    );
  });

  it("rewrites one line in place on a terminal, at most every 100 ms, and clears it at the end", () => {
    const terminal = stream(true);
    const line = progressLine(terminal);
    line.update(at(0, 1));
    line.update(at(50, 2));
    line.update(at(150, 3));
    line.done();
    expect(terminal.written).toHaveLength(3);
    expect(terminal.written[0]).toMatch(/^\r1 requests, 0 failed checks, 0\.0 s/);
    expect(terminal.written[1]).toMatch(/^\r3 requests/);
    expect(terminal.written.every((text) => !text.includes("\n"))).toBe(true);
    expect(terminal.written[2]?.trim()).toBe("");
  });

  it("writes nothing when the output is not a terminal", () => {
    const pipe = stream(false);
    const line = progressLine(pipe);
    line.update(at(0));
    line.done();
    expect(pipe.written).toEqual([]);
  });
});
