import { ApiError } from "../../src/events/apiError";

/** The portal's JSON API (docs/portal.md): same origin, session cookie, CSRF header on every change. */

export interface Session {
  readonly tenantId: string;
  readonly tenantUrl: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly idleTimeoutSeconds: number;
}

// An answer the API refused, with the server's own code and message for the admin.
export { ApiError };

/** The session is gone (expired, idle too long, signed out): the page can only ask for a new link. */
export class SessionExpiredError extends ApiError {}

const BASE = "/portal/api";
const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

async function readError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = `The connector answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as ErrorBody;
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return response.status === 401
    ? new SessionExpiredError(401, code, message)
    : new ApiError(response.status, code, message);
}

export class PortalApi {
  private csrfToken = "";

  /** `onExpired` runs when a call other than opening the session finds the session gone. */
  constructor(private readonly onExpired: () => void) {}

  /** Opens a session with the one-time secret from the setup link. */
  async startSession(link: string): Promise<Session> {
    return this.remember(await this.request<Session>("POST", "session", { link }, false));
  }

  /** The session this browser already holds (after a reload), or a SessionExpiredError. */
  async currentSession(): Promise<Session> {
    return this.remember(await this.request<Session>("GET", "session", undefined, false));
  }

  async signOut(): Promise<void> {
    await this.request("DELETE", "session");
    this.csrfToken = "";
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body);
  }

  private remember(session: Session): Session {
    this.csrfToken = session.csrfToken;
    return session;
  }

  private async request<T>(method: string, path: string, body?: unknown, watchExpiry = true): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (CHANGES.has(method) && this.csrfToken) headers["X-CSRF-Token"] = this.csrfToken;
    let response: Response;
    try {
      response = await fetch(`${BASE}/${path}`, {
        method,
        headers,
        credentials: "same-origin",
        cache: "no-store",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(
        0,
        "unreachable",
        "The connector did not answer. Check your connection and try again.",
      );
    }
    if (!response.ok) {
      const error = await readError(response);
      if (watchExpiry && error instanceof SessionExpiredError) this.onExpired();
      throw error;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
