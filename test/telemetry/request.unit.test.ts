import { HttpRequest } from "@azure/functions";
import { noTelemetry, observeScimRequest, useTelemetry } from "../../src/telemetry";
import { RecordingTelemetry } from "./recorder";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

function disablePatch(): HttpRequest {
  return new HttpRequest({
    method: "PATCH",
    url: "http://127.0.0.1/scim/v2/t1/Users/u1",
    params: { tenantId: "t1", id: "u1" },
    body: {
      string: JSON.stringify({
        schemas: [PATCH_OP],
        Operations: [{ op: "Replace", path: "active", value: "False" }],
      }),
    },
  });
}

const completion = { tenantId: "t1", correlationId: "c1", durationMs: 3 };

describe("observeScimRequest", () => {
  afterEach(() => {
    useTelemetry(noTelemetry);
  });

  it("reads a PATCH's operations to report a disable when telemetry is on", async () => {
    const recorder = new RecordingTelemetry();
    useTelemetry(recorder);
    const request = disablePatch();
    const clone = jest.spyOn(request, "clone");
    const observation = observeScimRequest(request, "scimUsers");
    await request.text();
    await observation.finish({ status: 200 }, completion);
    expect(clone).toHaveBeenCalledTimes(1);
    expect(recorder.requests).toHaveLength(1);
    expect(recorder.events.map((event) => event.name)).toContain("UserDisabled");
  });

  it("does nothing without telemetry: no clone of the body, nothing classified", async () => {
    const request = disablePatch();
    const clone = jest.spyOn(request, "clone");
    const observation = observeScimRequest(request, "scimUsers");
    observation.failed(new Error("ignored"));
    await observation.finish({ status: 200 }, completion);
    expect(clone).not.toHaveBeenCalled();
  });
});
