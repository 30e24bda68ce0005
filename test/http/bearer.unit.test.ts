import { HttpRequest } from "@azure/functions";
import { bearerToken } from "../../src/http/bearer";

function withAuthorization(value?: string): HttpRequest {
  return new HttpRequest({
    url: "http://127.0.0.1/scim/v2/t/Users",
    method: "GET",
    headers: value === undefined ? {} : { authorization: value },
  });
}

describe("bearerToken: the one reading of Authorization: Bearer", () => {
  it("returns the token, the scheme in any letter case, trailing space ignored", () => {
    expect(bearerToken(withAuthorization("Bearer scim_abc"))).toBe("scim_abc");
    expect(bearerToken(withAuthorization("bearer  scim_abc "))).toBe("scim_abc");
  });

  it("returns nothing for a missing header, another scheme, an empty or a two-part token", () => {
    const headers = [undefined, "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "scim_abc"];
    expect(headers.map((header) => bearerToken(withAuthorization(header)))).toEqual(
      headers.map(() => undefined),
    );
  });
});
