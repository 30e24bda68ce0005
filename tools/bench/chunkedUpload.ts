import { request } from "node:http";

export interface UploadOutcome {
  /** The response status, if one arrived before the connection ended. */
  readonly status?: number;
  readonly body: string;
  /** Bytes written when the response's headers arrived (undefined: no response). */
  readonly sentAtResponse?: number;
  /** Bytes written in all (the client keeps writing after the response until the server stops it). */
  readonly sent: number;
}

/**
 * POSTs `totalBytes` as a chunked body (no Content-Length), 1 MiB at a time with backpressure, and
 * keeps writing after the response arrives: a host that answers early and closes the connection stops
 * the upload; one that reads everything lets it finish. Resolves when the connection ends.
 */
export function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<UploadOutcome> {
  const chunk = Buffer.alloc(1024 * 1024, "a");
  return new Promise((resolve) => {
    let sent = 0;
    let sentAtResponse: number | undefined;
    let status: number | undefined;
    let body = "";
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      resolve({ ...(status === undefined ? {} : { status }), body, sentAtResponse, sent });
    };
    const upload = request(url, { method: "POST", headers: { ...headers, "Transfer-Encoding": "chunked" } });
    upload.on("response", (response) => {
      status = response.statusCode;
      sentAtResponse = sent;
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("error", settle);
    });
    upload.on("error", settle);
    upload.on("close", settle);
    const pump = (): void => {
      while (sent < totalBytes && !upload.destroyed) {
        sent += chunk.length;
        if (!upload.write(chunk)) {
          upload.once("drain", pump);
          return;
        }
      }
      if (!upload.destroyed) upload.end();
    };
    pump();
  });
}
