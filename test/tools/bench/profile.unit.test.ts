import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { areaOf, profileOperation, summariseProfile, type CpuProfile } from "../../../tools/bench/profile";

/** Burns about `ms` of CPU in a function the profile can name. */
function burnCpuForTheProfile(ms: number): number {
  const until = performance.now() + ms;
  let value = 0;
  while (performance.now() < until) value += Math.sqrt(value + 1);
  return value;
}

describe("areaOf", () => {
  it("names our code by its src/ or tools/ directory, packages by name, node's own by module", () => {
    expect(areaOf("file:///repo/dist/src/scim/render.js", "render")).toBe("src/scim");
    expect(areaOf("file:///repo/src/http/endpoint.ts", "handle")).toBe("src/http");
    expect(areaOf("file:///repo/node_modules/@azure/data-tables/dist/commonjs/TableClient.js", "x")).toBe(
      "@azure/data-tables",
    );
    expect(areaOf("file:///repo/node_modules/zod/v4/core/core.js", "parse")).toBe("zod");
    expect(areaOf("node:internal/http", "write")).toBe("node (internal/http)");
    expect(areaOf("", "(garbage collector)")).toBe("(garbage collector)");
  });
});

describe("summariseProfile", () => {
  it("charges each sample's time to its function and area, idle left out", () => {
    const frame = (id: number, functionName: string, url: string) => ({
      id,
      callFrame: { functionName, url, lineNumber: 9 },
    });
    const profile: CpuProfile = {
      nodes: [
        frame(1, "(root)", ""),
        frame(2, "(idle)", ""),
        frame(3, "render", "file:///r/src/scim/render.ts"),
        frame(4, "getEntity", "file:///r/node_modules/@azure/data-tables/x.js"),
      ],
      startTime: 0,
      endTime: 1000,
      samples: [3, 3, 4, 2, 3],
      // A sample lasts until the next one; the last lasts one sampling interval (200 µs).
      timeDeltas: [0, 100, 100, 100, 500],
    };
    const summary = summariseProfile(profile, "GET", 2);
    expect(summary.functions).toEqual([
      { name: "render src/scim/render.ts:10", self: 0.8 },
      { name: "getEntity node_modules/@azure/data-tables/x.js:10", self: 0.2 },
    ]);
    expect(summary.areas.map((area) => area.name)).toEqual(["src/scim", "@azure/data-tables"]);
  });
});

describe("profileOperation", () => {
  it("profiles the load in this process, finds the function that spent the CPU, and writes the profile", async () => {
    const directory = mkdtempSync(join(tmpdir(), "profile-"));
    try {
      const summary = await profileOperation(
        "burn test",
        () => {
          burnCpuForTheProfile(5);
          return Promise.resolve(undefined);
        },
        { concurrency: 1, requests: 20 },
        directory,
      );
      expect(summary.requests).toBe(20);
      expect(summary.functions[0]?.name).toMatch(/^burnCpuForTheProfile /);
      expect(summary.functions[0]?.self).toBeGreaterThan(0.5);
      expect(summary.file).toBe(join(directory, "burn-test.cpuprofile"));
      const written = JSON.parse(readFileSync(summary.file ?? "", "utf8")) as CpuProfile;
      expect(written.nodes.length).toBeGreaterThan(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
