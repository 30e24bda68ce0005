import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

const SECRET_PREFIX = "whsec_";

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export interface SignedHeaders {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
}

/**
 * The Standard Webhooks headers of one delivery: HMAC-SHA256 over `id.timestamp.body` with every
 * live secret (two during a rotation's overlap, space-separated), so a receiver that has either
 * secret verifies it.
 */
export function signDelivery(
  secrets: readonly string[],
  messageId: string,
  time: Date,
  body: string,
): SignedHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, time, body));
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(time.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
