import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { AppApi, CursorExpiredError, type AppApiOptions } from "./appApi";
import { applyEvent, emptyCopy, type CopyState, type DirectoryEvent } from "./directoryCopy";

export interface ConsumerOptions extends AppApiOptions {
  /** The endpoint's signing secret (`whsec_…`), from `npm run tenant -- webhook add`. */
  readonly webhookSecret: string;
  /** Where the copy and the cursor are kept between runs. */
  readonly stateFile: string;
  /** Also read the feed this often, in case a webhook never arrives (0: only on webhooks). */
  readonly pollMs?: number;
}

/**
 * A small application that keeps a copy of one tenant's directory:
 * - webhooks (verified with the Standard Webhooks library) are applied when they are the next
 *   event; a duplicate is ignored; a gap makes it read the feed from its cursor (events already
 *   applied are skipped by their sequence, so the cursor may lag behind without harm);
 * - the cursor and the copy are saved after every change, so a restart resumes where it stopped;
 * - a cursor too old for the feed (410) makes it re-read the whole directory from the read API.
 */
export class Consumer {
  state: CopyState;
  private readonly api: AppApi;
  private readonly verifier: Webhook;
  private server: Server | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** One sync at a time: webhooks that arrive meanwhile wait for it. */
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ConsumerOptions) {
    this.api = new AppApi(options);
    this.verifier = new Webhook(options.webhookSecret);
    this.state = this.load();
  }

  /** Listens for webhooks on 127.0.0.1:`port` (POST any path); returns the URL to register. */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => {
        this.receive(body, request.headers as Record<string, string>).then(
          (status) => {
            response.statusCode = status;
            response.end();
          },
          () => {
            response.statusCode = 500;
            response.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    if (this.options.pollMs) {
      this.poller = setInterval(() => void this.sync().catch(() => undefined), this.options.pollMs);
    }
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    this.server?.closeAllConnections();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
    await this.work.catch(() => undefined);
  }

  /** Handles one webhook delivery; answers 401 to a bad signature, 204 once it is applied. */
  async receive(body: string, headers: Record<string, string>): Promise<number> {
    let event: DirectoryEvent;
    try {
      event = this.verifier.verify(body, headers) as DirectoryEvent;
    } catch {
      return 401;
    }
    await this.serially(async () => {
      if (event.sequence <= this.state.sequence) return; // a duplicate or a replay: applied already
      if (this.state.sequence > 0 && event.sequence === this.state.sequence + 1) {
        // The very next event: apply it as delivered.
        await applyEvent(this.state, event, (kind, id) => this.api.resource(kind, id));
        this.save();
      } else {
        // Something came before it that this copy has not seen (down, or answering 500): read the feed.
        await this.catchUp();
      }
    });
    return 204;
  }

  /** Reads the feed from the cursor to its end (or the whole directory, the first time or after a 410). */
  sync(): Promise<void> {
    return this.serially(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    if (this.state.cursor === undefined && this.state.sequence === 0) {
      await this.readEverything();
    }
    try {
      for (;;) {
        const page = await this.api.events(this.state.cursor);
        for (const event of page.data)
          await applyEvent(this.state, event, (kind, id) => this.api.resource(kind, id));
        this.state.cursor = page.next;
        this.save();
        if (!page.hasMore) return;
      }
    } catch (error) {
      if (!(error instanceof CursorExpiredError)) throw error;
      await this.readEverything();
      await this.catchUp();
    }
  }

  /** The fallback: a fresh copy from the read API, then the feed from the cursor it handed out. */
  private async readEverything(): Promise<void> {
    const users = await this.api.all("users");
    const groups = await this.api.all("groups");
    const fresh = emptyCopy();
    for (const user of users.items) fresh.users[user.id] = user.attributes;
    for (const group of groups.items) {
      fresh.groups[group.id] = { attributes: group.attributes, members: await this.api.members(group.id) };
    }
    fresh.cursor = users.feedCursor;
    this.state = fresh;
    this.save();
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.work.then(task, task);
    this.work = result.catch(() => undefined);
    return result;
  }

  private load(): CopyState {
    try {
      return JSON.parse(readFileSync(this.options.stateFile, "utf8")) as CopyState;
    } catch {
      return emptyCopy();
    }
  }

  private save(): void {
    const temporary = `${this.options.stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state));
    renameSync(temporary, this.options.stateFile);
  }
}
