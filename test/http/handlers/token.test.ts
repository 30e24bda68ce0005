import { MAX_TOKEN_FORM_BYTES, MAX_TOKEN_FORM_PARAMETERS } from "../../../src/http/handlers/token";
import { chunkedUpload } from "../../../tools/bench/chunkedUpload";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

/** A form of `count` distinct keys: `k0=&k1=&…` (40,000 keys are about 350 KB). */
const manyKeys = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=`).join("&");

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe("the token endpoint's request budget", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("token");
    ({ clientId, clientSecret } = await harness.services.tenants.createClient(tenant.tenantId));
  });
  afterAll(() => harness.close());

  const tokenUrl = () => `${tenant.tenantUrl}/oauth/token`;
  const post = (body: string) => fetch(tokenUrl(), { method: "POST", headers: FORM, body });

  it("answers a 40,000-key form with 4xx at once, while a concurrent /health is answered promptly", async () => {
    // Warm: /health then answers from its cache, so its time is the host's responsiveness alone.
    await fetch(`${harness.host.origin}/health`);
    const form = post(`grant_type=client_credentials&${manyKeys(40_000)}`);
    // Sent while the form is being handled: a host blocked by it would answer /health only after it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const health = await timed(() => fetch(`${harness.host.origin}/health`));
    const answer = await form;
    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(2_000);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({
      error: "invalid_request",
      error_description: `The request body exceeds ${MAX_TOKEN_FORM_BYTES} bytes.`,
    });
  });

  it("refuses a form with more parameters than the limit, within the byte limit, naming the limit", async () => {
    const body = `grant_type=client_credentials&${manyKeys(MAX_TOKEN_FORM_PARAMETERS)}`;
    expect(body.length).toBeLessThan(MAX_TOKEN_FORM_BYTES);
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: "invalid_request",
      error_description: `The form has more than ${MAX_TOKEN_FORM_PARAMETERS} parameters.`,
    });
  });

  it("refuses a chunked form over the byte limit while reading it", async () => {
    const outcome = await chunkedUpload(tokenUrl(), FORM, 64 * 1024 * 1024);
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: "invalid_request" });
    expect(outcome.sent).toBeLessThan(32 * 1024 * 1024);
  });

  it("still refuses repeated parameters, and still issues tokens for the largest legitimate forms", async () => {
    const repeated = await post("grant_type=client_credentials&grant_type=client_credentials");
    expect(await repeated.json()).toMatchObject({ error: "invalid_request" });
    // Microsoft's validator: credentials in the form, with a scope; padded to the parameter limit.
    const padding = Array.from({ length: MAX_TOKEN_FORM_PARAMETERS - 4 }, (_, i) => `p${i}=x`).join("&");
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      scope: "scim",
    });
    form.set("client_secret", clientSecret);
    const issued = await post(`${form.toString()}&${padding}`);
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ token_type: "Bearer" });
  });
});
