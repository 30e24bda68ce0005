import { request as httpRequest } from "node:http";
import { MAX_BODY_BYTES } from "../../src/http/body";
import { HOST_MAX_BODY_BYTES } from "../../tools/localHostRequest";
import { chunkedUpload } from "../../tools/bench/chunkedUpload";
import { peakRssGrowth } from "../support/rss";
import { startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const MiB = 1024 * 1024;
/** The size of the hostile upload: what an attacker streams without a Content-Length. */
const HOSTILE_UPLOAD = 400 * MiB;
/** Generous: socket buffers on both ends hold a few MiB; a host that reads the body reads all 400. */
const EARLY = 64 * MiB;

describe("the local host streams request bodies to the handlers, which read them within their limits", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (level, ...args) => {
      logs.push(
        `${level} ${args.map((arg) => (arg instanceof Error ? (arg.stack ?? "") : String(arg))).join(" ")}`,
      );
    });
    tenant = await harness.createTenant("stream");
  });
  afterAll(() => harness.close());

  it("answers a 400 MiB chunked POST without a token with 401 before reading it, and closes the connection", async () => {
    const { result, growthBytes } = await peakRssGrowth(() =>
      chunkedUpload(`${tenant.tenantUrl}/Users`, { "Content-Type": "application/scim+json" }, HOSTILE_UPLOAD),
    );
    expect(result.status).toBe(401);
    expect(result.sentAtResponse).toBeLessThan(EARLY);
    // The client kept writing after the answer; the host closed the connection instead of reading on.
    expect(result.sent).toBeLessThan(EARLY);
    expect(growthBytes).toBeLessThan(150 * MiB);
  });

  it("answers an authenticated chunked POST over the body limit with 413 once the limit is passed", async () => {
    const { result, growthBytes } = await peakRssGrowth(() =>
      chunkedUpload(
        `${tenant.tenantUrl}/Users`,
        { Authorization: `Bearer ${tenant.token}`, "Content-Type": "application/scim+json" },
        HOSTILE_UPLOAD,
      ),
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ status: "413" });
    expect(JSON.parse(result.body).detail).toContain(`exceeds ${MAX_BODY_BYTES} bytes`);
    expect(result.sentAtResponse).toBeLessThan(EARLY);
    expect(result.sent).toBeLessThan(EARLY);
    expect(growthBytes).toBeLessThan(150 * MiB);
    const list = await fetch(`${tenant.tenantUrl}/Users`, {
      headers: { Authorization: `Bearer ${tenant.token}` },
    });
    expect(((await list.json()) as { totalResults: number }).totalResults).toBe(0);
  });

  it("refuses a declared Content-Length over the Functions host's limit before any handler runs", async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const upload = httpRequest(`${tenant.tenantUrl}/Users`, {
        method: "POST",
        headers: {
          "Content-Length": String(HOST_MAX_BODY_BYTES + 1),
          Authorization: `Bearer ${tenant.token}`,
        },
      });
      upload.on("response", (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (text: string) => (body += text));
        response.on("end", () => {
          resolve({ ...(response.statusCode ? { status: response.statusCode } : {}), body });
        });
      });
      upload.on("error", reject);
      upload.write(Buffer.alloc(1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: "413" });
  });

  it("still serves keep-alive clients whose bodies it reads", async () => {
    for (let i = 0; i < 3; i += 1) {
      const created = await fetch(`${tenant.tenantUrl}/Users`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tenant.token}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify({ userName: `keep${i}@x.com` }),
      });
      expect(created.status).toBe(201);
    }
  });

  it.each(["/scim/v2/%E0%A4%A/Users", "/scim/v2/demo/Users/%zz", "/health%"])(
    "answers malformed percent-encoding in the path (%s) with a SCIM 400, and logs no stack trace",
    async (path) => {
      logs.length = 0;
      const response = await fetch(`${harness.host.origin}${path}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/scim+json");
      expect(await response.json()).toMatchObject({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: "400",
      });
      expect(logs.join("\n")).not.toMatch(/URIError|\n\s+at /);
    },
  );
});
