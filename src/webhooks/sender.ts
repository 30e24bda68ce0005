import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup, type TargetPolicy } from "./webhookUrl";

export interface SendResult {
  /** The HTTP status; undefined when no response came (refused, timed out, unreachable). */
  readonly status?: number;
  readonly latencyMs: number;
  /** Why it failed, short and safe to log (never a header or the body). */
  readonly error?: string;
  /** The endpoint did not answer within the deadline (it held a connection the whole time). */
  readonly timedOut?: boolean;
}

export type WebhookSender = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<SendResult>;

const MAX_ERROR_CHARS = 200;

/**
 * POSTs a delivery with a hard deadline for the whole exchange, reading at most a little of the
 * answer, following no redirect, and (in Azure) connecting only to public addresses.
 */
export function httpSender(policy: TargetPolicy, timeoutMs: number): WebhookSender {
  return (url, headers, body) =>
    new Promise((resolve) => {
      const started = Date.now();
      const done = (result: Omit<SendResult, "latencyMs">) => {
        clearTimeout(timer);
        resolve({ ...result, latencyMs: Date.now() - started });
      };
      const send = url.startsWith("https:") ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method: "POST",
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          lookup: guardedLookup(policy),
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            done({ status: response.statusCode ?? 0 });
          });
          response.on("error", () => {
            done({ status: response.statusCode ?? 0 });
          });
        },
      );
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      request.on("error", (error) => {
        done({ error: error.message.slice(0, MAX_ERROR_CHARS), ...(timedOut ? { timedOut } : {}) });
      });
      request.end(body);
    });
}
