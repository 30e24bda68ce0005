import { HttpRequest } from "@azure/functions";
import { correlationIdOf } from "../../src/http/correlationId";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function request(headers: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: "GET", url: "http://127.0.0.1/health", headers });
}

describe("the correlation-id rule", () => {
  it("takes a caller's short, safe id: x-correlation-id first, else client-request-id", () => {
    expect(correlationIdOf(request({ "x-correlation-id": "abc-123" }))).toBe("abc-123");
    expect(correlationIdOf(request({ "client-request-id": "0f8fad5b-d9cb-469f-a165-70867728950e" }))).toBe(
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    );
    expect(correlationIdOf(request({ "x-correlation-id": "a", "client-request-id": "b" }))).toBe("a");
    expect(correlationIdOf(request({ "x-correlation-id": "a".repeat(64) }))).toBe("a".repeat(64));
    expect(correlationIdOf(request({ "x-correlation-id": "trace:1.2_3" }))).toBe("trace:1.2_3");
  });

  it("replaces an over-long or unsafe id with a new one, falling back to the other header when that is safe", () => {
    for (const unsafe of ["a".repeat(65), "a b", "<x>", 'a"b', "a;b", "a/b", "é", "a%0d%0ab"]) {
      const id = correlationIdOf(request({ "x-correlation-id": unsafe }));
      expect(id).toMatch(UUID);
    }
    expect(correlationIdOf(request({ "x-correlation-id": "<x>", "client-request-id": "ok-1" }))).toBe("ok-1");
    expect(correlationIdOf(request({}))).toMatch(UUID);
    const first = correlationIdOf(request({}));
    expect(correlationIdOf(request({}))).not.toBe(first);
  });
});
