/** What a browser keeps for the portal: the session cookie and the CSRF token the session answered. */
export interface PortalClient {
  cookie?: string;
  csrfToken?: string;
  /** Every body received, so a test can check a secret was answered once only. */
  readonly bodies: string[];
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  signIn(link: string): Promise<{ status: number; headers: Headers; body: any; text: string }>;
}

/** A minimal browser for the portal API: keeps the cookie and sends the CSRF token on changes. */
export function portalClient(origin: string): PortalClient {
  const client: PortalClient = {
    bodies: [],
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${origin}${path}`, {
        method,
        redirect: "manual",
        headers: {
          ...(client.cookie ? { Cookie: client.cookie } : {}),
          ...(client.csrfToken && method !== "GET" ? { "X-CSRF-Token": client.csrfToken } : {}),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      client.bodies.push(text);
      const json =
        response.headers.get("content-type")?.includes("json") && text !== "" ? JSON.parse(text) : undefined;
      return { status: response.status, headers: response.headers, body: json, text };
    },
    async signIn(link) {
      const answer = await client.call("POST", "/portal/api/session", { link });
      const setCookie = answer.headers.get("set-cookie");
      if (answer.status === 200 && setCookie) {
        client.cookie = setCookie.split(";")[0];
        client.csrfToken = answer.body.csrfToken;
      }
      return answer;
    },
  };
  return client;
}
