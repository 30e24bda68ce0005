/**
 * What the customer's admin can do about a failed request, in plain words: one table, looked up by
 * the SCIM error type first and the HTTP status second (docs/entra-setup.md#troubleshooting-by-entra-error-code
 * gives the operator's view of the same failures).
 */
const BY_SCIM_TYPE: Readonly<Record<string, string>> = {
  uniqueness:
    "Another user already has this userName (letter case aside), or another group this displayName. It was " +
    "usually created outside Entra: change the matching attribute in Entra's mapping so it matches, or delete the stray one.",
  invalidFilter:
    "Entra filtered on an attribute this connector does not have: check that the matching attribute in " +
    "Entra's attribute mapping targets userName, externalId or a declared extension attribute.",
  invalidPath:
    "The attribute mapping targets an attribute this connector does not know: compare the mapping with the " +
    "attributes the connector lists, and remove or rename that target attribute.",
  invalidValue:
    "A mapped value has the wrong type or shape (the detail names the attribute): fix the source value or " +
    "the mapping's expression for it.",
  invalidSyntax:
    "The request body was not valid SCIM: if Entra sent it, ask your operator to look up the correlation id.",
  mutability:
    "The mapping writes an attribute that cannot be changed (such as id): remove it from the mapping.",
  noTarget:
    "A change named a value that does not exist: usually a group member that was removed meanwhile; Entra retries.",
  tooMany: "A filter matched too many resources: narrow the matching attribute to one that is unique.",
  sensitive:
    "A secret was sent where it is not allowed: check the mapping does not send passwords in a filter.",
  invalidCursor: "A list was paged with a cursor this connector did not issue: retry the cycle.",
  expiredCursor: "A paged list took too long and its cursor expired: Entra retries; no action needed.",
  invalidVers: "The version (ETag) sent no longer matches: Entra reads the resource again and retries.",
};

const BY_STATUS: Readonly<Record<number, string>> = {
  400: "Entra sent something the connector cannot accept: the detail names the attribute; fix the mapping.",
  401:
    "Entra's Admin Credentials hold a token this tenant does not accept (revoked, past its rotation grace, " +
    "or another tenant's): create a new Secret Token here, paste it into Entra and select Test Connection.",
  403: "The credential is valid but not allowed here: create a new Secret Token here and paste it into Entra.",
  404: "The Tenant URL is wrong or the user was deleted outside Entra: check the Tenant URL, then restart provisioning.",
  409: "Two objects claim the same unique value: delete or rename the stray one.",
  412: "The object changed meanwhile: Entra reads it again and retries; no action needed.",
  413: "A request body was too large (over 256 KiB, or more than 100 values in one attribute): trim the mapped values.",
  429: "Too many requests at once: Entra pauses and retries them; no action needed.",
  500: "A fault on our side: your operator has been alerted; Entra retries about 40 minutes later.",
  503: "Storage was briefly unavailable: Entra retries after the Retry-After time; no action needed.",
};

const FALLBACK =
  "Look at the detail; if it does not say what to change, send the correlation id to your operator.";

/** The fix for a failure: by its scimType when it has one in the table, else by its status. */
export function fixFor(status: number, scimType?: string): string {
  if (scimType !== undefined) {
    const byType = BY_SCIM_TYPE[scimType];
    if (byType !== undefined) return byType;
  }
  return BY_STATUS[status] ?? (status >= 500 ? (BY_STATUS[500] ?? FALLBACK) : FALLBACK);
}
