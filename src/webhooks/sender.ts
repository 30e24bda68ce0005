import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup, type TargetPolicy } from "./webhookUrl";

interface SendResult {
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
/** A connection (TCP, and TLS for https) not made by then fails at once: a dead host holds nothing long. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * POSTs a delivery with a short deadline for connecting and a hard one for the whole exchange,
 * reading at most a little of the answer, following no redirect, and (in Azure) connecting only to
 * public addresses.
 */
export function httpSender(
  policy: TargetPolicy,
  timeoutMs: number,
  connectTimeoutMs = Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
): WebhookSender {
  return (url, headers, body) =>
    new Promise((resolve) => {
      const started = Date.now();
      const done = (result: Omit<SendResult, "latencyMs">) => {
        clearTimeout(timer);
        clearTimeout(connectTimer);
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
      const giveUp = (reason: string) => {
        timedOut = true;
        request.destroy(new Error(reason));
      };
      const timer = setTimeout(() => {
        giveUp(`timed out after ${timeoutMs} ms`);
      }, timeoutMs);
      const connectTimer = setTimeout(() => {
        giveUp(`no connection after ${connectTimeoutMs} ms`);
      }, connectTimeoutMs);
      request.on("socket", (socket) => {
        const connected = () => {
          clearTimeout(connectTimer);
        };
        if (!socket.connecting) connected();
        else socket.once(url.startsWith("https:") ? "secureConnect" : "connect", connected);
      });
      request.on("error", (error) => {
        clearTimeout(connectTimer);
        done({ error: error.message.slice(0, MAX_ERROR_CHARS), ...(timedOut ? { timedOut } : {}) });
      });
      request.end(body);
    });
}
