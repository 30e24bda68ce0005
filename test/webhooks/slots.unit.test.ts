import { Slots } from "../../src/webhooks/slots";

describe("delivery slots per endpoint and per instance", () => {
  it("holds at most perKey per key; a short line waits and is served in order as slots free", async () => {
    const slots = new Slots(2, 10, 2, 5_000);
    const first = await slots.acquire("a");
    const second = await slots.acquire("a");
    const served: string[] = [];
    const third = slots.acquire("a").then((release) => {
      served.push("third");
      return release;
    });
    const fourth = slots.acquire("a").then((release) => {
      served.push("fourth");
      return release;
    });
    // The line is full: told no at once.
    expect(await slots.acquire("a")).toBeUndefined();
    // Another key is not held up.
    expect(await slots.acquire("b")).toBeDefined();
    expect(slots.inUse("a")).toBe(2);
    first?.();
    second?.();
    expect(await third).toBeDefined();
    expect(await fourth).toBeDefined();
    expect(served).toEqual(["third", "fourth"]);
    expect(slots.inUse("a")).toBe(2);
    expect(slots.inUse()).toBe(3);
  });

  it("gives up a wait after the limit, leaving the line", async () => {
    const slots = new Slots(1, 10, 5, 50);
    const held = await slots.acquire("a");
    expect(await slots.acquire("a")).toBeUndefined();
    held?.();
    held?.(); // a second release frees nothing more
    expect(slots.inUse()).toBe(0);
    expect(await slots.acquire("a")).toBeDefined();
  });

  it("refuses at once when the instance is full, whatever the key", async () => {
    const slots = new Slots(4, 2, 4, 5_000);
    await slots.acquire("a");
    await slots.acquire("b");
    expect(await slots.acquire("c")).toBeUndefined();
  });
});
