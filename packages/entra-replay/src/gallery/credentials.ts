import type { Exchange } from "../client";
import { expectStatus } from "../checks";
import { filterQuery } from "../encoding";
import { prop } from "../json";
import type { StepRecorder } from "../report";
import type { ReplayContext } from "../steps/context";
import type { GalleryStep } from "./fixtures";

/** Microsoft's authentication tests: OAuth client credentials, or workload identity federation. */

export interface OAuthSettings {
  /** The app's token endpoint (Entra's "Token Endpoint" field). */
  readonly tokenEndpoint?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** A signed JWT the app trusts (RFC 7523), for Federated_Identity_Test. */
  readonly clientAssertion?: string;
}

/** Microsoft accepts access tokens that live between 60 and 360 minutes. */
const TOKEN_LIFETIME_SECONDS = { min: 60 * 60, max: 360 * 60 } as const;

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Token request → 2xx with access_token and a lifetime in range → a SCIM call with it succeeds. */
async function tokenWorks(
  context: ReplayContext,
  step: StepRecorder,
  tokenEndpoint: string,
  form: Record<string, string>,
): Promise<void> {
  const issued = await context.client.request("POST", tokenEndpoint, { kind: "probe", form });
  const ok = issued.status >= 200 && issued.status < 300;
  step.check("token endpoint answers 2xx", ok, {
    exchange: issued,
    escrow: true,
    detail: `got ${issued.status}`,
  });
  if (!ok) return;
  const token = context.client.issuedToken(issued);
  step.check("token response carries an access_token", token !== undefined, { exchange: issued });
  checkLifetime(step, issued);
  if (token === undefined) return;
  const call = await context.client.request(
    "GET",
    `/Users?${filterQuery("userName", `probe.${context.run}`)}`,
    {
      kind: "probe",
      token,
    },
  );
  expectStatus(step, call, [200], "SCIM call with the issued token");
}

function checkLifetime(step: StepRecorder, issued: Exchange): void {
  const lifetime = prop(issued.json, "expires_in");
  const { min, max } = TOKEN_LIFETIME_SECONDS;
  step.check(
    "token lifetime is between 60 and 360 minutes",
    typeof lifetime === "number" && lifetime >= min && lifetime <= max,
    { exchange: issued, detail: `expires_in ${JSON.stringify(lifetime)} s` },
  );
}

/** Runs the token test with `form`, or skips it (as Microsoft does) when a setting is missing. */
function tokenTest(
  tokenEndpoint: string | undefined,
  form: Record<string, string | undefined>,
  missing: string,
): GalleryStep {
  return async (context, step) => {
    const fields = Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined);
    if (tokenEndpoint === undefined || fields.length < Object.keys(form).length) {
      step.skip(missing);
      return;
    }
    await tokenWorks(context, step, tokenEndpoint, Object.fromEntries(fields));
  };
}

export function validateCredentials(settings: OAuthSettings): GalleryStep {
  return tokenTest(
    settings.tokenEndpoint,
    { grant_type: "client_credentials", client_id: settings.clientId, client_secret: settings.clientSecret },
    "no --token-endpoint, --client-id and --client-secret given (a static bearer token)",
  );
}

export function federatedIdentity(settings: OAuthSettings): GalleryStep {
  return tokenTest(
    settings.tokenEndpoint,
    {
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: settings.clientAssertion,
      ...(settings.clientId === undefined ? {} : { client_id: settings.clientId }),
    },
    "no --token-endpoint and --client-assertion given",
  );
}
