import type { HttpRequest } from "@azure/functions";

/** A request body passed its limit; each endpoint turns this into its own protocol's error. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body exceeds ${limitBytes} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads a request body, counting while it reads: a declared Content-Length over the limit is refused
 * before a byte is read, and a chunked body as soon as it passes the limit, so at most the limit (and
 * one chunk) is ever held. The rest is left unread, not cancelled: cancelling the host's stream would
 * close the connection before the error response is written; the host discards or closes instead.
 */
async function readBoundedBytes(request: HttpRequest, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limitBytes) throw new BodyTooLargeError(limitBytes);
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limitBytes) throw new BodyTooLargeError(limitBytes);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The body as text (UTF-8, invalid sequences replaced), read within the limit. */
export async function readBoundedText(request: HttpRequest, limitBytes: number): Promise<string> {
  return utf8.decode(await readBoundedBytes(request, limitBytes));
}
