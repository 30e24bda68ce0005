import { encodeKeyPart, indexKeyPart, prefixRange } from "../../src/store/keys";

describe("Table key encoding", () => {
  it("escapes the characters keys may not hold, and the separator and escape themselves", () => {
    expect(encodeKeyPart("a/b\\c#d?e|f%g\u0001h\u007fi")).toBe("a%2Fb%5Cc%23d%3Fe%7Cf%25g%01h%7Fi");
    expect(encodeKeyPart("ünï@x.com")).toBe("ünï@x.com");
    expect(decodeURIComponent(encodeKeyPart("x/%|y"))).toBe("x/%|y");
  });

  it("keeps long index values under the key limit, distinct by hash", () => {
    const long = "/".repeat(500);
    expect(indexKeyPart(long).length).toBeLessThanOrEqual(400);
    expect(indexKeyPart(long)).not.toBe(indexKeyPart(`${long}x`));
  });

  it("turns a prefix into the RowKey range that holds it", () => {
    expect(prefixRange("x|u.email|a@x.com|")).toEqual({
      from: "x|u.email|a@x.com|",
      to: "x|u.email|a@x.com}",
    });
  });
});
