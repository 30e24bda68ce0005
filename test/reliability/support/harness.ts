import { TableClient } from "@azure/data-tables";
import type { AppServices } from "../../../src/app/composition";
import { checkTenant, formatFinding, type TenantReport } from "../../../tools/consistency/checker";
import type { scimClient } from "../../support/testServices";

export type Scim = ReturnType<typeof scimClient>;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A SCIM PatchOp request body. */
export function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** The resources table read directly (never through a fault proxy), for the consistency checker. */
export function directResources(services: AppServices, connectionString?: string): TableClient {
  return TableClient.fromConnectionString(
    connectionString ?? String(process.env.STORAGE_CONNECTION_STRING),
    services.config.RESOURCES_TABLE,
    { allowInsecureConnection: true },
  );
}

/** Runs the consistency checker and fails with every finding listed. */
export async function expectConsistent(client: TableClient, tenantId: string): Promise<TenantReport> {
  const report = await checkTenant(client, tenantId);
  expect(report.findings.map(formatFinding)).toEqual([]);
  return report;
}

/** Every page of a collection. */
async function listAll(scim: Scim, endpoint: "/Users" | "/Groups", query = ""): Promise<any[]> {
  const all: any[] = [];
  for (let start = 1; ; start += 100) {
    const page = await scim("GET", `${endpoint}?startIndex=${start}&count=100${query}`);
    if (page.status !== 200) throw new Error(`GET ${endpoint} answered ${page.status}`);
    all.push(...(page.body.Resources ?? []));
    if (start + 100 > page.body.totalResults) return all;
  }
}

/**
 * A tenant's directory with ids and server-made values replaced, so two runs can be compared:
 * users by userName, groups by displayName with their members' userNames.
 */
export async function directorySnapshot(scim: Scim, normalise: (text: string) => string = (t) => t) {
  const users = await listAll(scim, "/Users");
  const userNameOf = new Map<string, string>(users.map((user) => [user.id, user.userName]));
  const groups = await listAll(scim, "/Groups");
  const strip = (resource: any) => {
    const { id: _id, meta: _meta, members: _members, ...rest } = resource;
    return JSON.parse(normalise(JSON.stringify(rest)));
  };
  const manager = (user: any) =>
    user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?.manager?.value;
  return {
    users: users
      .map((user) => ({
        ...strip(user),
        manager: manager(user) === undefined ? undefined : normalise(userNameOf.get(manager(user)) ?? "?"),
      }))
      .sort((a, b) => String(a.userName).localeCompare(String(b.userName))),
    groups: groups
      .map((group) => ({
        ...strip(group),
        members: (group.members ?? [])
          .map((member: any) => normalise(userNameOf.get(member.value) ?? `?${member.value}`))
          .sort(),
      }))
      .sort((a, b) => String(a.displayName).localeCompare(String(b.displayName))),
  };
}
