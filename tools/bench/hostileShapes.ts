import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
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

/**
 * Sends a request whose body was encoded once, beforehand, and discards the answer: the attacker's
 * client runs in the bench's process, so its own work is kept as small as a remote attacker's would be.
 */
function sendRaw(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: Buffer) {
  return new Promise<number>((resolve) => {
    const outgoing = request(url, {
      agent,
      method,
      headers: { ...headers, ...(body ? { "Content-Length": String(body.length) } : {}) },
    });
    outgoing.on("response", (response) => {
      response.resume();
      response.on("end", () => {
        resolve(response.statusCode ?? 0);
      });
      response.on("error", () => {
        resolve(response.statusCode ?? 0);
      });
    });
    outgoing.on("error", () => {
      resolve(0);
    });
    outgoing.end(body);
  });
}

/** `count` copies of `term` joined by " or ": the widest union a 4,096-character filter holds. */
const union = (term: string, count: number) => Array.from({ length: count }, () => term).join(" or ");

export interface HostileShapes {
  readonly shapes: readonly HostileShape[];
  /** Closes the attacker's connections. */
  readonly close: () => void;
}

/** Seeds the attacking tenant and returns its shapes; the token and URL are the attacker's own. */
export async function hostileShapes(
  client: TableClient,
  attacker: BenchTenant,
  origin: string,
  sizes: HostileSizes,
): Promise<HostileShapes> {
  await seedResources(client, (index) => userRows(attacker.tenantId, "noisy", index), sizes.users);
  const agent = new Agent({ keepAlive: true });
  const auth = { Authorization: `Bearer ${attacker.token}`, "Content-Type": "application/scim+json" };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const phoneNumbers = Array.from({ length: 100 }, (_, i) => ({
    value: `+1 ${String(i).padStart(200, "5")}`,
  }));
  const created = await fetch(`${attacker.tenantUrl}/Users`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ userName: `phones-${randomUUID()}@noisy.example`, phoneNumbers }),
  });
  const { id: phonesUser } = (await created.json()) as { id: string };
  const tokenForm = Buffer.from(
    `grant_type=client_credentials&${Array.from({ length: 40_000 }, (_, i) => `k${String(i)}=`).join("&")}`,
  );
  const search = json({
    schemas: [SEARCH_REQUEST],
    attributes: Array.from({ length: 20_000 }, (_, i) => `a${String(i)}`),
    count: 1000,
  });
  const widePath = `/Users?filter=${encodeURIComponent(union('emails gt ""', 255))}`;
  const valueFilter = `phoneNumbers[${union('value co "#"', 235)}]`;
  const patch = json({
    schemas: [PATCH_OP],
    Operations: Array.from({ length: 57 }, () => ({ op: "remove", path: valueFilter })),
  });
  const shapes: HostileShape[] = [
    {
      name: "token form of 40,000 keys, no credentials",
      send: () =>
        sendRaw(
          agent,
          `${attacker.tenantUrl}/oauth/token`,
          "POST",
          { "Content-Type": "application/x-www-form-urlencoded" },
          tokenForm,
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
        sendRaw(agent, `${origin}/scim/v2/made-up-${randomUUID().slice(0, 8)}/Users`, "GET", {
          Authorization: `Bearer scim_${randomUUID()}`,
        }),
    },
    {
      name: "POST .search, 20,000 attribute names, count 1000",
      send: () => sendRaw(agent, `${attacker.tenantUrl}/Users/.search`, "POST", auth, search),
    },
    {
      name: 'filter of 255 terms `emails gt "" or …`',
      send: () => sendRaw(agent, `${attacker.tenantUrl}${widePath}`, "GET", auth),
    },
    {
      name: "PATCH, 57 removes with a 235-term value filter",
      send: () => sendRaw(agent, `${attacker.tenantUrl}/Users/${phonesUser}`, "PATCH", auth, patch),
    },
  ];
  return {
    shapes,
    close: () => {
      agent.destroy();
    },
  };
}
