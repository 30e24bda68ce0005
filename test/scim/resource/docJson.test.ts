import { copyDoc, docJson, parseDocJson } from "../../../src/scim/resource/docJson";

describe("a document's JSON text, serialized once per document object", () => {
  it("gives JSON.stringify's text, and the same text again without serializing the document twice", () => {
    const doc = { userName: "ada", emails: [{ value: "ada@example.com", primary: true }] };
    const stringify = jest.spyOn(JSON, "stringify");
    try {
      expect(docJson(doc)).toBe('{"userName":"ada","emails":[{"value":"ada@example.com","primary":true}]}');
      expect(docJson(doc)).toBe(docJson(doc));
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });

  it("knows the text of a parsed document without serializing it", () => {
    const text = '{"userName":"bob","name":{"givenName":"Bob"}}';
    const doc = parseDocJson(text);
    expect(doc).toEqual({ userName: "bob", name: { givenName: "Bob" } });
    const stringify = jest.spyOn(JSON, "stringify");
    try {
      expect(docJson(doc)).toBe(text);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it("keeps texts apart for different objects, equal or not", () => {
    const first = parseDocJson('{"title":"a"}');
    const second = { title: "b" };
    expect(docJson(first)).toBe('{"title":"a"}');
    expect(docJson(second)).toBe('{"title":"b"}');
    expect(docJson({ title: "a" })).toBe('{"title":"a"}');
  });

  it("copies deeply: changing the copy leaves the document and its text alone", () => {
    const doc = parseDocJson('{"addresses":[{"type":"work","locality":"Oslo"}]}');
    const copy = copyDoc(doc) as { addresses: { locality: string }[] };
    expect(copy).toEqual(doc);
    expect(copy).not.toBe(doc);
    copy.addresses[0]!.locality = "Bergen";
    expect(doc).toEqual({ addresses: [{ type: "work", locality: "Oslo" }] });
    expect(docJson(doc)).toBe('{"addresses":[{"type":"work","locality":"Oslo"}]}');
    // The copy is a new object: its text is its own, made when asked.
    expect(docJson(copy)).toBe('{"addresses":[{"type":"work","locality":"Bergen"}]}');
  });
});
