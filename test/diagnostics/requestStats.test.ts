import { RequestStats } from "../../src/diagnostics/requestStats";
import { WINDOW_MS } from "../../src/diagnostics/stats";
import { TableStatsStore } from "../../src/store/tableStatsStore";
import { createTestServices } from "../support/testServices";

const START = Date.parse("2026-11-29T10:00:00.000Z");

describe("request counters per tenant and 5-minute window", () => {
  it("counts in memory, writes each window whole, and keeps counting the current one", async () => {
    const services = await createTestServices();
    const store = new TableStatsStore(services.tables.resources);
    let now = START + 1_000;
    const stats = new RequestStats(
      store,
      (tenantId) => Promise.resolve(tenantId !== "made-up"),
      () => new Date(now),
    );

    stats.record("t1", 201);
    stats.record("t1", 409, { scimType: "uniqueness", detail: "taken" });
    now = START + WINDOW_MS + 2_000;
    stats.record("t1", 200);
    stats.record("made-up", 200);
    await stats.flush();
    now += 1_000;
    stats.record("t1", 404);
    await stats.flush();
    stats.stop();

    const windows = await store.read("t1", new Date(START - 1));
    expect(windows).toEqual([
      {
        window: "2026-11-29T10:00:00.000Z",
        requests: 2,
        byStatus: { "201": 1, "409": 1 },
        lastSuccess: "2026-11-29T10:00:01.000Z",
        lastFailure: {
          status: 409,
          scimType: "uniqueness",
          detail: "taken",
          time: "2026-11-29T10:00:01.000Z",
        },
      },
      {
        window: "2026-11-29T10:05:00.000Z",
        requests: 2,
        byStatus: { "200": 1, "404": 1 },
        lastSuccess: "2026-11-29T10:05:03.000Z",
      },
    ]);
    expect(await store.read("made-up", new Date(START - 1))).toEqual([]);
  });
});
