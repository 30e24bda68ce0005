import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runReplay, type ReplayOptions } from "../../../packages/entra-replay/src/replay";
import type { Report } from "../../../packages/entra-replay/src/report";
import { startTestHost, type TestHost } from "../../support/testServices";

jest.setTimeout(300_000);

/**
 * Fault-injection modes: a proxy in front of the real connector changes one behaviour, and the
 * replay must report exactly the check (or Microsoft's gallery test) that covers it. Each mode
 * proves its check can fail.
 */

interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly requestBody: string;
  status: number;
  body: string;
}

interface Fault {
  /** Rewrites the request body before it reaches the connector. */
  readonly request?: (method: string, url: string, body: string) => string;
  /** Rewrites the connector's answer in place. */
  readonly response?: (exchange: Exchange) => void;
  /** Answers without asking the connector (undefined: forward). */
  readonly answer?: (
    method: string,
    url: string,
    body: string,
  ) => { status: number; body: string; headers?: Record<string, string> } | undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function faultyProxy(target: string, fault: Fault): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const method = request.method ?? "GET";
      const url = request.url ?? "/";
      const original = await readBody(request);
      const answered = fault.answer?.(method, url, original);
      if (answered !== undefined) {
        response.statusCode = answered.status;
        response.setHeader("Content-Type", "application/scim+json");
        for (const [name, value] of Object.entries(answered.headers ?? {})) response.setHeader(name, value);
        response.end(answered.body);
        return;
      }
      const requestBody = fault.request ? fault.request(method, url, original) : original;
      const upstream = await fetch(`${target}${url}`, {
        method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string] =>
              typeof entry[1] === "string" && entry[0] !== "host" && entry[0] !== "content-length",
          ),
        ),
        ...(requestBody === "" ? {} : { body: requestBody }),
      });
      const exchange: Exchange = {
        method,
        url,
        requestBody,
        status: upstream.status,
        body: await upstream.text(),
      };
      fault.response?.(exchange);
      response.statusCode = exchange.status;
      const contentType = upstream.headers.get("content-type");
      if (contentType) response.setHeader("Content-Type", contentType);
      response.end(exchange.status === 204 ? undefined : exchange.body);
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              done();
            });
            server.closeAllConnections();
          }),
      });
    });
  });
}

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const isUserById = (url: string) => /\/Users\/[^/?]+$/.test(url);
const isGroupById = (url: string) => /\/Groups\/[^/?]+$/.test(url);

/** Rewrites a JSON body; non-JSON and empty bodies pass unchanged. */
function editJson(exchange: Exchange, edit: (json: any) => void): void {
  if (exchange.body.trim() === "") return;
  const json = JSON.parse(exchange.body);
  edit(json);
  exchange.body = JSON.stringify(json);
}

function scimError(status: number, scimType: string): { status: number; body: string } {
  return {
    status,
    body: JSON.stringify({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: String(status),
      scimType,
    }),
  };
}

describe("the replay's checks catch faults a server could have", () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
  });

  afterAll(async () => {
    await host.close();
  });

  async function replayThrough(fault: Fault, options: Partial<ReplayOptions> = {}): Promise<Report> {
    const tenant = await host.createTenant("fault");
    const proxy = await faultyProxy(host.host.origin, fault);
    try {
      return await runReplay({
        url: tenant.tenantUrl.replace(host.host.origin, proxy.origin),
        token: tenant.token,
        users: 4,
        groups: 2,
        ...options,
      });
    } finally {
      await proxy.close();
    }
  }

  const failedNames = (report: Report) =>
    new Set(
      report.steps.flatMap((step) => step.checks.filter((check) => !check.ok).map((check) => check.name)),
    );
  const problem = (report: Report, id: string) => report.problems.find((p) => p.id === id);
  const gallery = (report: Report) =>
    Object.fromEntries(report.gallery.map((test) => [test.name, test.result]));

  it("a server that sheds load with 429 and Retry-After: waited out and counted, no check fails", async () => {
    let requests = 0;
    const report = await replayThrough(
      {
        // Every fifth request is refused once, as a throttling server would.
        answer: () => {
          requests += 1;
          return requests % 5 === 0
            ? { ...scimError(429, "tooMany"), headers: { "Retry-After": "0" } }
            : undefined;
        },
      },
      { suite: "entra" },
    );
    expect(report.requests.throttled.requests).toBeGreaterThan(10);
    expect(report.requests.byStatus["429"]).toBeUndefined();
    expect(report.problems).toEqual([]);
    expect(report.ready).toBe(true);
    expect(report.quarantine.quarantined).toBe(false);
  });

  describe("Entra's traffic", () => {
    it("a manager returned as a bare string (Budibase's bug)", async () => {
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (!exchange.body.includes('"manager"')) return;
            editJson(exchange, (json) => {
              const flatten = (user: any) => {
                const manager = user?.[ENTERPRISE]?.manager;
                if (manager && typeof manager === "object") user[ENTERPRISE].manager = manager.value;
              };
              if (Array.isArray(json.Resources)) json.Resources.forEach(flatten);
              else flatten(json);
            });
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("manager returned as an object {value}");
      expect(problem(report, "managerForm")?.silent).toBe(false);
    });

    it("a Remove of one member that empties the group", async () => {
      let lastPatched: string | undefined;
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (
              exchange.method === "PATCH" &&
              isGroupById(exchange.url) &&
              /"op":"Remove","path":"members"/.test(exchange.requestBody)
            )
              lastPatched = exchange.url;
            if (exchange.method === "GET" && exchange.url === lastPatched)
              editJson(exchange, (json) => (json.members = []));
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("group members are exactly the ones added");
      expect(problem(report, "memberRemoval")).toBeDefined();
    });

    it("members returned despite excludedAttributes=members, and active as a string", async () => {
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (exchange.method !== "GET") return;
            editJson(exchange, (json) => {
              if (exchange.url.includes("excludedAttributes=members") && exchange.url.includes("/Groups/"))
                json.members = [{ value: "x" }];
              if (typeof json.active === "boolean") json.active = json.active ? "True" : "False";
            });
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("excludedAttributes=members honoured (no members returned)");
      expect(failedNames(report)).toContain("active returned as a JSON boolean with the sent value");
    });

    it("an Add on a filtered path whose element does not exist yet, refused with noTarget in both dialects", async () => {
      const report = await replayThrough(
        {
          answer: (method, _url, body) =>
            method === "PATCH" && body.includes('phoneNumbers[type eq \\"work\\"]')
              ? scimError(400, "noTarget")
              : undefined,
        },
        { suite: "entra" },
      );
      expect(problem(report, "addMissingElement")?.dialects).toEqual(["default", "aadOptscim062020"]);
      expect(report.ready).toBe(false);
    });

    it("userName uniqueness that ignores case (a create in another case succeeds)", async () => {
      const report = await replayThrough(
        {
          request: (method, url, body) => {
            if (method !== "POST" || !url.endsWith("/Users") || !body.includes('"userName":"REPLAY.'))
              return body;
            const json = JSON.parse(body);
            json.userName = `${json.userName}.distinct`;
            return JSON.stringify(json);
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("a userName differing only in case → 409 uniqueness");
      expect(problem(report, "userNameCaseUniqueness")?.silent).toBe(true);
    });

    it("the legacy manager check `id eq X and manager eq Y` finding nothing", async () => {
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (exchange.method === "GET" && exchange.url.includes("manager+eq"))
              editJson(exchange, (json) => {
                json.totalResults = 0;
                json.Resources = [];
              });
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain(
        "reference check (id and manager) finds the user whose manager was set",
      );
      expect(problem(report, "legacyManagerCheck")).toBeDefined();
    });

    it("a member added twice listed twice", async () => {
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (exchange.method === "GET" && isGroupById(exchange.url))
              editJson(exchange, (json) => {
                if (Array.isArray(json.members)) json.members = [...json.members, ...json.members];
              });
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("re-adding a member keeps it listed once");
      expect(problem(report, "memberDuplicated")?.dialects).toEqual(["default", "aadOptscim062020"]);
    });

    it("a deleted user left in a group's members", async () => {
      const deleted: string[] = [];
      const report = await replayThrough(
        {
          response: (exchange) => {
            if (exchange.method === "DELETE" && isUserById(exchange.url))
              deleted.push(exchange.url.split("/").at(-1) ?? "");
            if (exchange.method === "GET" && isGroupById(exchange.url) && deleted.length > 0)
              editJson(exchange, (json) => {
                json.members = [...(json.members ?? []), ...deleted.map((value) => ({ value }))];
              });
          },
        },
        { suite: "entra" },
      );
      expect(failedNames(report)).toContain("a deleted user is no longer listed in its groups' members");
      expect(problem(report, "deletedMemberLeft")).toBeDefined();
    });
  });

  describe("Microsoft's gallery tests", () => {
    const galleryRun = (fault: Fault, options: Partial<ReplayOptions> = {}) =>
      replayThrough(fault, { suite: "gallery", ...options });

    it("users that stay active after a disable fail Disable_User_Test", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method === "GET" && isUserById(exchange.url))
            editJson(exchange, (json) => (json.active = true));
        },
      });
      expect(gallery(report).Disable_User_Test).toBe("FAILED");
      expect(gallery(report).SCIM_User_Create_Test).toBe("PASSED");
    });

    it("a mapped attribute missing from /Schemas fails Schema_Discoverability_Test", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (!exchange.url.endsWith("/Schemas")) return;
          editJson(exchange, (json) => {
            for (const schema of json.Resources)
              schema.attributes = schema.attributes.filter((a: any) => a.name !== "department");
          });
        },
      });
      expect(gallery(report).Schema_Discoverability_Test).toBe("FAILED");
    });

    it("/Schemas without the Group schema fails the group tests instead of skipping them", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (!exchange.url.endsWith("/Schemas")) return;
          editJson(exchange, (json) => {
            json.Resources = json.Resources.filter((s: any) => !String(s.id).endsWith(":Group"));
          });
        },
      });
      const results = gallery(report);
      for (const name of [
        "Create_Group_Test",
        "Group_Update_Add_Member_Test",
        "POD_Group_Test",
        "SCIM_Group_Create_Test",
      ])
        expect({ name, result: results[name] }).toEqual({ name, result: "FAILED" });
      expect(results.Delete_Group_Test).toBe("WARNING");
    });

    it("values not cleared by an empty or null PATCH fail SCIM_Null_Update_Test", async () => {
      const cleared = new Set<string>();
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method === "PATCH" && exchange.requestBody.includes('"path":"title","value":""'))
            cleared.add(exchange.url);
          if (exchange.method === "GET" && cleared.has(exchange.url))
            editJson(exchange, (json) => (json.title = "stale"));
        },
      });
      expect(gallery(report).SCIM_Null_Update_Test).toBe("FAILED");
    });

    it("a page that does not echo its startIndex fails the pagination tests", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (
            exchange.method === "GET" &&
            exchange.url.includes("startIndex=") &&
            !exchange.url.includes("startIndex=1&")
          )
            editJson(exchange, (json) => (json.startIndex = 1));
        },
      });
      expect(gallery(report).SCIM_User_Pagination_Test).toBe("FAILED");
      expect(gallery(report).SCIM_Group_Pagination_Test).toBe("WARNING");
    });

    it("a re-created user refused with 409 fails Restore_User_Test", async () => {
      const deleted = new Set<string>();
      const names = new Map<string, string>();
      const report = await galleryRun({
        answer: (method, url, body) => {
          if (method !== "POST" || !url.endsWith("/Users")) return undefined;
          const userName = String(JSON.parse(body).userName);
          return deleted.has(userName) ? scimError(409, "uniqueness") : undefined;
        },
        response: (exchange) => {
          if (exchange.method === "POST" && exchange.status === 201) {
            const json = JSON.parse(exchange.body);
            names.set(json.id, json.userName);
          }
          if (exchange.method === "DELETE" && isUserById(exchange.url))
            deleted.add(names.get(exchange.url.split("/").at(-1) ?? "") ?? "");
        },
      });
      expect(gallery(report).Restore_User_Test).toBe("FAILED");
      expect(gallery(report).Create_User_Test).toBe("PASSED");
    });

    it("a create that returns no id fails the create and provision-on-demand tests", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method === "POST" && exchange.url.endsWith("/Users"))
            editJson(exchange, (json) => delete json.id);
        },
      });
      for (const name of ["Create_User_Test", "POD_User_Test", "SCIM_User_Create_Test", "Update_User_Test"])
        expect({ name, result: gallery(report)[name] }).toEqual({ name, result: "FAILED" });
    });

    it("a lost manager fails both manager tests", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method === "GET" && isUserById(exchange.url))
            editJson(exchange, (json) => {
              if (json[ENTERPRISE]) delete json[ENTERPRISE].manager;
            });
        },
      });
      expect(gallery(report).User_Update_Manager_Test).toBe("FAILED");
      expect(gallery(report).SCIM_Update_Manager_Test).toBe("FAILED");
    });

    it("an attribute PATCHed but not stored fails SCIM_User_Update_Test and SCIM_Group_Update_Test", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method !== "GET") return;
          if (isUserById(exchange.url))
            editJson(exchange, (json) => json.locale !== undefined && (json.locale = "xx-XX"));
          if (isGroupById(exchange.url)) editJson(exchange, (json) => (json.externalId = "stale"));
        },
      });
      expect(gallery(report).SCIM_User_Update_Test).toBe("FAILED");
      expect(gallery(report).SCIM_Group_Update_Test).toBe("FAILED");
    });

    it("group changes that do not show fail the group lifecycle tests", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (
            exchange.method === "GET" &&
            exchange.url.includes("/Groups?") &&
            exchange.url.includes("%28updated%29")
          )
            editJson(exchange, (json) => {
              json.totalResults = 0;
              json.Resources = [];
            });
          if (exchange.method === "GET" && isGroupById(exchange.url))
            editJson(exchange, (json) => (json.members = []));
          if (exchange.method === "DELETE" && isGroupById(exchange.url)) exchange.status = 200;
        },
      });
      const results = gallery(report);
      expect(results.Update_Group_Test).toBe("FAILED");
      expect(results.Group_Update_Add_Member_Test).toBe("FAILED");
      expect(results.Group_Update_Remove_Member_Test).toBe("FAILED");
      expect(results.Delete_Group_Test).toBe("WARNING");
      expect(results.POD_Group_Test).toBe("FAILED");
      expect(results.Create_Group_Test).toBe("PASSED");
    });

    it("an update that does not stick fails Update_User_Test", async () => {
      const report = await galleryRun({
        response: (exchange) => {
          if (exchange.method === "GET" && isUserById(exchange.url))
            editJson(exchange, (json) => {
              if (json[ENTERPRISE]?.department === "Validation") json[ENTERPRISE].department = "Research";
            });
        },
      });
      expect(gallery(report).Update_User_Test).toBe("FAILED");
      expect(gallery(report).Create_User_Test).toBe("PASSED");
    });

    it("deletes that fail are warnings for the optional delete tests, and fail the restore", async () => {
      const report = await galleryRun({
        answer: (method, url) =>
          method === "DELETE" && !url.includes("/oauth/") ? scimError(500, "internal") : undefined,
      });
      const results = gallery(report);
      expect(results.Delete_User_Test).toBe("WARNING");
      expect(results.Delete_Group_Test).toBe("WARNING");
      expect(results.Restore_User_Test).toBe("FAILED");
      expect(results.Restore_Group_Test).toBe("WARNING");
      expect(results.Create_User_Test).toBe("PASSED");
    });

    it("a token outside 60–360 minutes fails Validate_Credentials_Test; a refused assertion fails Federated_Identity_Test", async () => {
      const tenant = await host.createTenant("oauth");
      const client = await host.services.tenants.createClient(tenant.tenantId);
      const proxy = await faultyProxy(host.host.origin, {
        answer: (method, url, body) =>
          method === "POST" && url.endsWith("/oauth/token") && body.includes("client_assertion=")
            ? { status: 401, body: JSON.stringify({ error: "invalid_client" }) }
            : undefined,
        response: (exchange) => {
          if (exchange.url.endsWith("/oauth/token")) editJson(exchange, (json) => (json.expires_in = 86_400));
        },
      });
      try {
        const url = tenant.tenantUrl.replace(host.host.origin, proxy.origin);
        const report = await runReplay({
          url,
          token: tenant.token,
          suite: "gallery",
          oauth: {
            tokenEndpoint: `${url}/oauth/token`,
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            clientAssertion: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
          },
        });
        expect(gallery(report).Validate_Credentials_Test).toBe("FAILED");
        expect(report.gallery.find((t) => t.name === "Validate_Credentials_Test")?.reason).toContain(
          "expires_in 86400",
        );
        expect(gallery(report).Federated_Identity_Test).toBe("FAILED");
        expect(JSON.stringify(report)).not.toContain(client.clientSecret);
      } finally {
        await proxy.close();
      }
    });
  });
});
