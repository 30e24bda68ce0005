import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { generateWebhookSecret, signDelivery } from "../../src/webhooks/signing";

describe("Standard Webhooks signatures", () => {
  const body = JSON.stringify({ id: "evt_1", type: "user.created" });

  it("are accepted by the reference verifier", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signDelivery([secret], "evt_1", new Date(), body);
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("carry one signature per live secret, so either side of a rotation verifies", () => {
    const [old, fresh] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signDelivery([old, fresh], "evt_2", new Date(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(old).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(fresh).verify(body, { ...headers })).not.toThrow();
  });

  it("fail for another secret, an altered body, or a stale timestamp", () => {
    const secret = generateWebhookSecret();
    const headers = signDelivery([secret], "evt_3", new Date(), body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(secret).verify(body.replace("created", "deleted"), { ...headers })).toThrow(
      WebhookVerificationError,
    );
    const stale = signDelivery([secret], "evt_3", new Date(Date.now() - 60 * 60 * 1000), body);
    expect(() => new Webhook(secret).verify(body, { ...stale })).toThrow(WebhookVerificationError);
  });
});
