import type { Attributes, DirectoryEvent } from "./directoryCopy";

/** The connector's application API for one tenant, with an app key. */
export interface AppApiOptions {
  /** e.g. http://127.0.0.1:7071/api/v1/tenants/demo */
  readonly baseUrl: string;
  readonly appKey: string;
}

export interface EventPage {
  readonly data: DirectoryEvent[];
  readonly next: string;
  readonly hasMore: boolean;
}

/** The feed answered 410: the cursor is older than the events the connector keeps. */
export class CursorExpiredError extends Error {}

interface Record_ {
  readonly id: string;
  readonly attributes: Attributes;
}

interface ListPage {
  readonly data: Record_[];
  readonly next?: string;
  readonly feedCursor?: string;
}

export class AppApi {
  constructor(private readonly options: AppApiOptions) {}

  private async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${this.options.appKey}` },
    });
    const body: unknown = await response.json();
    if (response.status === 410) throw new CursorExpiredError();
    if (response.status !== 200 && response.status !== 404) {
      throw new Error(`GET ${path} answered ${response.status}`);
    }
    return { status: response.status, body };
  }

  async events(after: string | undefined): Promise<EventPage> {
    const query = after === undefined ? "" : `?after=${encodeURIComponent(after)}`;
    return (await this.get(`/events${query}`)).body as EventPage;
  }

  async resource(kind: "users" | "groups", id: string): Promise<Attributes | undefined> {
    const { status, body } = await this.get(`/${kind}/${encodeURIComponent(id)}`);
    return status === 404 ? undefined : (body as Record_).attributes;
  }

  /** Every user or group, page by page; `feedCursor` comes with the first page. */
  async all(kind: "users" | "groups"): Promise<{ items: Record_[]; feedCursor: string | undefined }> {
    const items: Record_[] = [];
    let feedCursor: string | undefined;
    let cursor: string | undefined;
    do {
      const query = cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`;
      const body = (await this.get(`/${kind}${query}`)).body as ListPage;
      items.push(...body.data);
      feedCursor ??= body.feedCursor;
      cursor = body.next;
    } while (cursor !== undefined);
    return { items, feedCursor };
  }

  async members(groupId: string): Promise<string[]> {
    const { body } = await this.get(`/groups/${encodeURIComponent(groupId)}/members`);
    return (body as { members: { id: string }[] }).members.map((member) => member.id);
  }
}
