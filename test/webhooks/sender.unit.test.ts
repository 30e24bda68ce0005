import { createServer, type AddressInfo, type Socket } from "node:net";
import { httpSender } from "../../src/webhooks/sender";
import { startReceiver } from "../support/webhookReceiver";

describe("httpSender: one POST with a deadline, and no private targets in Azure", () => {
  it("posts the body with the headers and reports status and latency", async () => {
    const receiver = await startReceiver({ status: 202 });
    try {
      const result = await httpSender({ local: true }, 2000)(receiver.url, { "webhook-id": "e1" }, '{"a":1}');
      expect(result.status).toBe(202);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(receiver.received[0]?.body).toBe('{"a":1}');
      expect(receiver.received[0]?.headers["webhook-id"]).toBe("e1");
      expect(receiver.received[0]?.headers["content-type"]).toBe("application/json");
    } finally {
      await receiver.close();
    }
  });

  it("gives up on an endpoint that does not answer in time, saying so", async () => {
    const receiver = await startReceiver("hang");
    try {
      const result = await httpSender({ local: true }, 300)(receiver.url, {}, "{}");
      expect(result).toMatchObject({ timedOut: true });
      expect(result.status).toBeUndefined();
      expect(result.error).toMatch(/timed out after 300 ms/);
    } finally {
      await receiver.close();
    }
  });

  it("gives up early on a connection that is never made (a TLS handshake that never ends)", async () => {
    const held = new Set<Socket>();
    const server = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await httpSender({ local: true }, 10_000, 300)(
        `https://127.0.0.1:${port}/hook`,
        {},
        "{}",
      );
      expect(result).toMatchObject({ timedOut: true });
      expect(result.error).toMatch(/no connection after 300 ms/);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    }
  });

  it("in Azure, refuses to connect to a name that resolves to a private address", async () => {
    const receiver = await startReceiver({ status: 200 });
    try {
      const url = receiver.url.replace("127.0.0.1", "localhost");
      const result = await httpSender({ local: false }, 2000)(url, {}, "{}");
      expect(result.status).toBeUndefined();
      expect(result.error).toMatch(/private address/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});
