import { fixFor } from "../../src/diagnostics/failureFixes";

describe("the plain-language fix for a failed request", () => {
  it("goes by the SCIM error type first, then by the status", () => {
    expect(fixFor(409, "uniqueness")).toMatch(/already has this userName/);
    expect(fixFor(400, "invalidPath")).toMatch(/attribute mapping/);
    expect(fixFor(401)).toMatch(/create a new Secret Token here/);
    expect(fixFor(429)).toMatch(/no action needed/);
    expect(fixFor(502)).toBe(fixFor(500));
    // An unknown type falls back to its status; an unknown status to asking the operator.
    expect(fixFor(409, "somethingNew")).toBe(fixFor(409));
    expect(fixFor(418)).toMatch(/correlation id/);
  });
});
