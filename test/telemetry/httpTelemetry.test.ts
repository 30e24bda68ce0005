import { randomUUID } from "node:crypto";
import { noTelemetry, useTelemetry } from "../../src/telemetry";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { RecordingTelemetry } from "./recorder";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

function entraFilter(filter: string): string {
  return encodeURIComponent(filter).replace(/%20/g, "+");
}

/** Requests over the local host (same route table and endpoint wrapper as Azure) with a recording sink. */
describe("telemetry of SCIM requests over HTTP", () => {
  const recorder = new RecordingTelemetry();
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("tel");
    // Created before the first request, so the credential cache that request fills already has it.
    client = await harness.services.tenants.createClient(tenant.tenantId);
    scim = scimClient(tenant);
    useTelemetry(recorder);
  });

  afterAll(async () => {
    useTelemetry(noTelemetry);
    await harness.close();
  });

  beforeEach(() => {
    recorder.clear();
  });

  afterEach(() => {
    // Whatever a test sent, no credential of the tenant may appear in any recorded value.
    expect(recorder.serialized()).not.toContain(tenant.token);
  });

  it("tags discovery, list and filter reads as successes of the right resource and operation", async () => {
    await scim("GET", "/ServiceProviderConfig");
    await scim("GET", "/Schemas");
    await scim("GET", "/Users");
    await scim("GET", `/Users?filter=${entraFilter(`userName eq "${randomUUID()}"`)}`);
    await scim("GET", `/Groups?excludedAttributes=members&FILTER=${entraFilter('displayName eq "x"')}`);
    expect(
      recorder.requests.map(({ resource, operation, outcome, status, tenantId, route }) => ({
        resource,
        operation,
        outcome,
        status,
        tenantId,
        route,
      })),
    ).toEqual([
      {
        resource: "ServiceProviderConfig",
        operation: "discovery",
        outcome: "success",
        status: 200,
        tenantId: tenant.tenantId,
        route: "scimServiceProviderConfig",
      },
      {
        resource: "Schemas",
        operation: "discovery",
        outcome: "success",
        status: 200,
        tenantId: tenant.tenantId,
        route: "scimSchemas",
      },
      {
        resource: "Users",
        operation: "list",
        outcome: "success",
        status: 200,
        tenantId: tenant.tenantId,
        route: "scimUsers",
      },
      {
        resource: "Users",
        operation: "filter",
        outcome: "success",
        status: 200,
        tenantId: tenant.tenantId,
        route: "scimUsers",
      },
      {
        resource: "Groups",
        operation: "filter",
        outcome: "success",
        status: 200,
        tenantId: tenant.tenantId,
        route: "scimGroups",
      },
    ]);
    expect(recorder.events).toEqual([]);
    for (const request of recorder.requests) {
      expect(request.durationMs).toBeGreaterThanOrEqual(0);
      expect(request.correlationId).not.toBe("");
      expect(request.errorType).toBeUndefined();
    }
  });

  it("reports a user's lifecycle: created, updated, disabled, re-enabled, deleted, with its id", async () => {
    const userName = `ada.${randomUUID().slice(0, 8)}@contoso.com`;
    const created = await scim("POST", "/Users", {
      schemas: [USER],
      userName,
      externalId: "ada",
      active: true,
      displayName: "Ada",
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "displayName", value: "Ada L." }));
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: "False" }));
    await scim("PATCH", `/Users/${id}`, patch({ op: "replace", value: { active: true } }));
    await scim("PUT", `/Users/${id}`, { schemas: [USER], userName, active: true, displayName: "Ada" });
    await scim("GET", `/Users/${id}`);
    await scim("DELETE", `/Users/${id}`);

    expect(recorder.requests.map((r) => `${r.operation} ${String(r.status)} ${r.outcome}`)).toEqual([
      "create 201 success",
      "patch 200 success",
      "patch 200 success",
      "patch 200 success",
      "replace 200 success",
      "get 200 success",
      "delete 204 success",
    ]);
    expect(
      recorder.events.map(({ name, tenantId, resource, resourceId }) => ({
        name,
        tenantId,
        resource,
        resourceId,
      })),
    ).toEqual(
      ["UserCreated", "UserUpdated", "UserDisabled", "UserReenabled", "UserUpdated", "UserDeleted"].map(
        (name) => ({
          name,
          tenantId: tenant.tenantId,
          resource: "Users",
          resourceId: id,
        }),
      ),
    );
    // Nothing of the user's data is reported: only ids, names and codes.
    expect(recorder.serialized()).not.toContain(userName);
    expect(recorder.serialized()).not.toContain("Ada");
  });

  it("reports a group's lifecycle, and membership changes with counts only", async () => {
    const member = await scim("POST", "/Users", {
      schemas: [USER],
      userName: `m.${randomUUID()}@contoso.com`,
    });
    const other = await scim("POST", "/Users", {
      schemas: [USER],
      userName: `o.${randomUUID()}@contoso.com`,
    });
    const memberId = member.body.id as string;
    const otherId = other.body.id as string;
    recorder.clear();
    const group = await scim("POST", "/Groups", { schemas: [GROUP], displayName: `Sales ${randomUUID()}` });
    expect(group.status).toBe(201);
    const id = group.body.id as string;
    await scim(
      "PATCH",
      `/Groups/${id}`,
      patch({ op: "Add", path: "members", value: [{ value: memberId }, { value: otherId }] }),
    );
    await scim("PATCH", `/Groups/${id}`, patch({ op: "Remove", path: `members[value eq "${memberId}"]` }));
    await scim(
      "PATCH",
      `/Groups/${id}`,
      patch({ op: "Replace", path: "displayName", value: `Renamed ${randomUUID()}` }),
    );
    await scim("DELETE", `/Groups/${id}`);

    expect(recorder.events.map((e) => [e.name, e.resource, e.resourceId, e.details])).toEqual([
      ["GroupCreated", "Groups", id, undefined],
      ["MembersChanged", "Groups", id, { membersAdded: 2, membersRemoved: 0 }],
      ["MembersChanged", "Groups", id, { membersAdded: 0, membersRemoved: 1 }],
      ["GroupUpdated", "Groups", id, undefined],
      ["GroupDeleted", "Groups", id, undefined],
    ]);
    expect(recorder.serialized()).not.toContain(memberId);
  });

  it("tags client errors with their scimType and reports conflicts", async () => {
    const userName = `dup.${randomUUID().slice(0, 8)}@contoso.com`;
    await scim("POST", "/Users", { schemas: [USER], userName });
    recorder.clear();
    const duplicate = await scim("POST", "/Users", { schemas: [USER], userName });
    expect(duplicate.status).toBe(409);
    const badFilter = await scim("GET", `/Users?filter=${entraFilter("userName zz 1")}`);
    expect(badFilter.status).toBe(400);
    const missing = await scim("GET", `/Users/${randomUUID()}`);
    expect(missing.status).toBe(404);
    const search = await scim("POST", "/Users/.search", { filter: `userName eq "${userName}"` });
    expect(search.status).toBe(200);
    const rootSearch = await scim("POST", "/.search", { filter: `userName eq "${userName}"` });
    expect(rootSearch.status).toBe(501);

    expect(recorder.requests.map((r) => [r.operation, r.status, r.outcome, r.errorType])).toEqual([
      ["create", 409, "clientError", "uniqueness"],
      ["filter", 400, "clientError", "invalidFilter"],
      ["get", 404, "clientError", undefined],
      ["search", 200, "success", undefined],
      // Not offered (a search across resource types): the client's choice, not a server error.
      ["unknown", 501, "unsupported", undefined],
    ]);
    expect(recorder.events.map((e) => [e.name, e.resource, e.details])).toEqual([
      ["Conflict", "Users", { operation: "create" }],
    ]);
  });

  it("reports auth failures without the token that was sent; tokens the tenant never issued as unauthenticated", async () => {
    const wrong = `wrong-${randomUUID()}`;
    const response = await fetch(`${tenant.tenantUrl}/Users`, {
      headers: { Authorization: `Bearer ${wrong}` },
    });
    expect(response.status).toBe(401);
    const otherTenant = await harness.createTenant("tel-other");
    // A valid token of another tenant is no credential of this one: anyone's request, not its failure.
    const crossed = await fetch(`${tenant.tenantUrl}/Groups`, {
      headers: { Authorization: `Bearer ${otherTenant.token}` },
    });
    expect(crossed.status).toBe(401);
    // A token the tenant itself revoked is its own client failing: an auth failure of the tenant.
    const stale = await harness.createTenant("tel-stale");
    await harness.services.tenants.rotate(stale.tenantId, 0);
    const revoked = await fetch(`${stale.tenantUrl}/Users`, {
      headers: { Authorization: `Bearer ${stale.token}` },
    });
    expect(revoked.status).toBe(401);

    expect(recorder.requests.map((r) => [r.tenantId, r.resource, r.operation, r.status, r.outcome])).toEqual([
      [tenant.tenantId, "Users", "list", 401, "unauthenticated"],
      [tenant.tenantId, "Groups", "list", 401, "unauthenticated"],
      [stale.tenantId, "Users", "list", 401, "authFailure"],
    ]);
    expect(recorder.events.map((e) => [e.name, e.tenantId, e.resource])).toEqual([
      ["AuthFailure", stale.tenantId, "Users"],
    ]);
    expect(recorder.serialized()).not.toContain(wrong);
    expect(recorder.serialized()).not.toContain(otherTenant.token);
    expect(recorder.serialized()).not.toContain(stale.token);
  });

  it("tags a made-up tenant segment as (invalid) and an unknown path as resource unknown", async () => {
    const host = harness.host.origin;
    await fetch(`${host}/scim/v2/${encodeURIComponent("<script>")}/Users`, {
      headers: { Authorization: "Bearer x" },
    });
    await scim("GET", "/Nope");
    expect(recorder.requests.map((r) => [r.tenantId, r.resource, r.operation, r.status])).toEqual([
      ["(invalid)", "Users", "list", 404],
      [tenant.tenantId, "unknown", "unknown", 404],
    ]);
  });

  it("reports the token endpoint over HTTP, with the OAuth error code", async () => {
    const call = async (authorization: string) => {
      const response = await fetch(`${tenant.tenantUrl}/oauth/token`, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
      return { status: response.status, body: await response.text() };
    };
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    const ok = await call(basic(client.clientSecret));
    expect(ok.status).toBe(200);
    const accessToken = (JSON.parse(ok.body) as { access_token: string }).access_token;
    const guessed = await call(basic("not-the-secret"));
    expect(guessed.status).toBe(401);
    await harness.services.tenants.revokeClient(tenant.tenantId, client.clientId);
    harness.services.authenticator.forget(tenant.tenantId);
    const refused = await call(basic(client.clientSecret));
    expect(refused.status).toBe(401);

    expect(recorder.requests.map((r) => [r.resource, r.operation, r.status, r.outcome, r.errorType])).toEqual(
      [
        ["oauth", "token", 200, "success", undefined],
        ["oauth", "token", 401, "unauthenticated", "invalid_client"],
        ["oauth", "token", 401, "authFailure", "invalid_client"],
      ],
    );
    expect(recorder.events.map((e) => [e.name, e.tenantId])).toEqual([["AuthFailure", tenant.tenantId]]);
    for (const secret of [client.clientSecret, accessToken, "not-the-secret"]) {
      expect(recorder.serialized()).not.toContain(secret);
    }
  });
});
