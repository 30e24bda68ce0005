import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { chunkedUpload } from "./chunkedUpload";
import type { BenchTenant } from "./environment";
import { seedResources, userRows } from "./rows";

/**
 * The worst request shapes one tenant (or anyone) can send, each the largest the connector accepts
 * before its limits or just past them: what a noisy neighbour measures another tenant against.
 */
export interface HostileShape {
  readonly name: string;
  /** Sends one request of this shape; resolves to the status (0: the connection ended without one). */
  send(): Promise<number>;
}

export interface HostileSizes {
  /** Users of the attacking tenant that its queries run over. */
  readonly users: number;
  /** Bytes of the chunked body sent without a token. */
  readonly uploadBytes: number;
}

const SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function statusOf(response: Promise<Response>): Promise<number> {
  const answer = await response;
  await answer.arrayBuffer();
  return answer.status;
}

/** `count` copies of `term` joined by " or ": the widest union a 4,096-character filter holds. */
const union = (term: string, count: number) => Array.from({ length: count }, () => term).join(" or ");

/** Seeds the attacking tenant and returns its shapes; the token and URL are the attacker's own. */
export async function hostileShapes(
  client: TableClient,
  attacker: BenchTenant,
  origin: string,
  sizes: HostileSizes,
): Promise<HostileShape[]> {
  await seedResources(client, (index) => userRows(attacker.tenantId, "noisy", index), sizes.users);
  const auth = { Authorization: `Bearer ${attacker.token}`, "Content-Type": "application/scim+json" };
  const scim = (method: string, path: string, body?: unknown) =>
    statusOf(
      fetch(`${attacker.tenantUrl}${path}`, {
        method,
        headers: auth,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const phoneNumbers = Array.from({ length: 100 }, (_, i) => ({
    value: `+1 ${String(i).padStart(200, "5")}`,
  }));
  const created = await fetch(`${attacker.tenantUrl}/Users`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ userName: `phones-${randomUUID()}@noisy.example`, phoneNumbers }),
  });
  const { id: phonesUser } = (await created.json()) as { id: string };
  const tokenForm = Array.from({ length: 40_000 }, (_, i) => `k${String(i)}=`).join("&");
  const attributes = Array.from({ length: 20_000 }, (_, i) => `a${String(i)}`);
  const valueFilter = `phoneNumbers[${union('value co "#"', 235)}]`;
  return [
    {
      name: "token form of 40,000 keys, no credentials",
      send: () =>
        statusOf(
          fetch(`${attacker.tenantUrl}/oauth/token`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: `grant_type=client_credentials&${tokenForm}`,
          }),
        ),
    },
    {
      name: `chunked ${Math.round(sizes.uploadBytes / 1024 / 1024)} MiB body, no token`,
      send: async () =>
        (
          await chunkedUpload(
            `${attacker.tenantUrl}/Users`,
            { "Content-Type": "application/scim+json" },
            sizes.uploadBytes,
          )
        ).status ?? 0,
    },
    {
      name: "made-up tenant id and token",
      send: () =>
        statusOf(
          fetch(`${origin}/scim/v2/made-up-${randomUUID().slice(0, 8)}/Users`, {
            headers: { Authorization: `Bearer scim_${randomUUID()}` },
          }),
        ),
    },
    {
      name: "POST .search, 20,000 attribute names, count 1000",
      send: () => scim("POST", "/Users/.search", { schemas: [SEARCH_REQUEST], attributes, count: 1000 }),
    },
    {
      name: 'filter of 255 terms `emails gt "" or …`',
      send: () => scim("GET", `/Users?filter=${encodeURIComponent(union('emails gt ""', 255))}`),
    },
    {
      name: "PATCH, 57 removes with a 235-term value filter",
      send: () =>
        scim("PATCH", `/Users/${phonesUser}`, {
          schemas: [PATCH_OP],
          Operations: Array.from({ length: 57 }, () => ({ op: "remove", path: valueFilter })),
        }),
    },
  ];
}
