import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { ApiError } from "../../src/events/apiError";
import { pipeline, type PipelineWork, type Surface } from "../../src/http/pipeline";
import { ScimError } from "../../src/scim/errors";
import { StorageUnavailableError } from "../../src/service/storageUnavailable";

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "Retry-After": String(seconds) };
}

/** The pipeline on its own, with a surface that writes its failure as plain JSON. */
async function run(work: PipelineWork, surface: Partial<Surface> = {}) {
  const logged: { level: string; text: string }[] = [];
  const context = new InvocationContext({
    functionName: "probe",
    logHandler: (level, ...args) => logged.push({ level, text: args.map(String).join(" ") }),
  });
  const handler = pipeline(
    {
      event: "probe.request",
      telemetry: false,
      formatError: (failure) => ({
        code: failure.code ?? "failed",
        response: {
          status: failure.status,
          headers: retryAfter(failure.retryAfterSeconds),
          body: JSON.stringify({ detail: failure.detail }),
        },
      }),
      ...surface,
    },
    "probe",
    work,
  );
  const request = new HttpRequest({
    method: "GET",
    url: "http://127.0.0.1/t/x",
    params: { tenantId: "acme" },
  });
  const response = (await handler(request, context)) as HttpResponseInit;
  const lines = logged
    .filter(({ text }) => text.startsWith("{"))
    .map(({ text }) => JSON.parse(text) as Record<string, unknown>);
  return { response, lines, logged };
}

describe("the request pipeline", () => {
  it("maps errors once: a ScimError, an ApiError, a storage fault, anything else", async () => {
    const answers = await Promise.all(
      [
        new ScimError(409, "taken", "uniqueness"),
        new ApiError(400, "invalid_limit", "bad limit"),
        new StorageUnavailableError(new Error("socket")),
        new Error("boom"),
      ].map((error) => run(() => Promise.reject(error))),
    );
    expect(answers.map(({ response }) => [response.status, JSON.parse(response.body as string)])).toEqual([
      [409, { detail: "taken" }],
      [400, { detail: "bad limit" }],
      [503, { detail: "The directory store is temporarily unavailable; retry later." }],
      [500, { detail: "An unexpected error occurred." }],
    ]);
    expect(
      answers.map(({ response }) => (response.headers as Record<string, string>)["Retry-After"]),
    ).toEqual([undefined, undefined, "5", undefined]);
    expect(answers.map(({ lines }) => [lines[0]?.scimType, lines[0]?.error])).toEqual([
      ["uniqueness", "failed"],
      [undefined, "invalid_limit"],
      [undefined, "failed"],
      [undefined, "failed"],
    ]);
    // Only the fault is logged as an error.
    expect(answers.map(({ logged }) => logged.filter(({ level }) => level === "error").length)).toEqual([
      0, 0, 0, 1,
    ]);
  });

  it("logs a fault by its name only on a quiet surface (its requests carry secrets)", async () => {
    const secret = "client-secret-value";
    const loud = await run(() => Promise.reject(new TypeError(`bad ${secret}`)));
    const quiet = await run(() => Promise.reject(new TypeError(`bad ${secret}`)), { quietErrors: true });
    expect(loud.logged.some(({ text }) => text.includes(secret))).toBe(true);
    expect(quiet.logged.some(({ text }) => text.includes(secret))).toBe(false);
    expect(quiet.logged.filter(({ level }) => level === "error").map(({ text }) => text)).toEqual([
      "Unhandled error TypeError",
    ]);
  });

  it("lets a surface add log fields but never overwrite the common ones, and runs after-steps once", async () => {
    const seen: number[] = [];
    const { response, lines } = await run((_request, call) => {
      call.note({ reason: "why", status: 999, event: "forged", correlationId: "forged" });
      call.afterResponse((answer) => seen.push(answer.status ?? 0));
      call.afterResponse(() => {
        throw new Error("counter down");
      });
      call.markUnauthenticated();
      return Promise.resolve({ status: 204 });
    });
    expect(response.status).toBe(204);
    expect(seen).toEqual([204]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: "probe.request",
      status: 204,
      reason: "why",
      unauthenticated: true,
    });
    expect(lines[0]?.correlationId).toBe((response.headers as Record<string, string>)["X-Correlation-Id"]);
  });
});
