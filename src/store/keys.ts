import { createHash } from "node:crypto";

/**
 * Table keys may not contain / \ # ? or control characters (U+0000–U+001F, U+007F–U+009F);
 * `|` separates our key parts and `%` is the escape itself. Everything else is kept, so keys
 * still sort like the values they hold.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what keys may not hold
const FORBIDDEN = /[%/\\#?|\u0000-\u001f\u007f-\u009f]/gu;

export function encodeKeyPart(value: string): string {
  return value.replace(FORBIDDEN, (char) =>
    [...Buffer.from(char, "utf8")]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
      .join(""),
  );
}

/** Keys are at most 1 KiB; a longer encoded value keeps a readable prefix plus a hash of the whole. */
const MAX_ENCODED_LENGTH = 400;

export function indexKeyPart(value: string): string {
  const encoded = encodeKeyPart(value);
  if (encoded.length <= MAX_ENCODED_LENGTH) return encoded;
  const digest = createHash("sha256").update(value, "utf8").digest("hex");
  return `${encoded.slice(0, MAX_ENCODED_LENGTH - 70)}%~${digest}`;
}

/** The RowKey range that holds every key starting with `prefix` (which ends in the `|` separator). */
export function prefixRange(prefix: string): { from: string; to: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}
