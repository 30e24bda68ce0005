import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { SecretClient, SecretClientOptions } from "@azure/keyvault-secrets";
import { createSecretClient } from "../../src/tenants/keyVaultClient";

/**
 * A local HTTPS endpoint on 127.0.0.1 that speaks the subset of the Key Vault secrets REST API the
 * real SecretClient uses here: the 401 bearer challenge, GET a secret (latest or a version), PUT a
 * secret (a new version), list a secret's versions. It can be told to answer 429 or 503, or to drop
 * connections, and it counts what it was asked, so tests can check the cache's vault traffic.
 */

/** 403: the identity lacks a role on the vault (RBAC), as Key Vault answers it. */
export type VaultFault = 403 | 429 | 503 | "drop";

interface Version {
  readonly version: string;
  readonly value: string;
  readonly contentType?: string;
  readonly created: number;
}

const FAULT_CODES = { 403: "Forbidden", 429: "Throttled", 503: "ServiceUnavailable" } as const;

const FAKE_ACCESS_TOKEN = "fake-vault-access-token";
const AUTHORITY = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000";

/** The token a managed identity would get; this vault accepts only it. */
export const testCredential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: FAKE_ACCESS_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** A self-signed certificate for 127.0.0.1, made with openssl at test time. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "fake-vault-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class FakeKeyVault {
  private readonly secrets = new Map<string, Version[]>();
  private readonly sockets = new Set<Socket>();
  private readonly secretReads = new Map<string, number>();
  private faults: VaultFault[] = [];
  private persistentFault: VaultFault | undefined;
  /** Requests that carried the access token (after the challenge), faults included. */
  authorizedRequests = 0;
  challenges = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly ca: string,
  ) {}

  static async start(): Promise<FakeKeyVault> {
    const { key, cert } = selfSignedCertificate();
    const server = createServer({ key, cert });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const vault = new FakeKeyVault(server, `https://127.0.0.1:${port}`, cert);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      vault.handle(request, response);
    });
    const sockets = vault.sockets;
    server.on("secureConnection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return vault;
  }

  /** The real SecretClient, as the app builds it, trusting this vault's certificate. */
  client(options: SecretClientOptions = {}): SecretClient {
    return createSecretClient(this.url, testCredential, {
      tlsOptions: { ca: this.ca },
      disableChallengeResourceVerification: true,
      ...options,
    });
  }

  /** The next `count` authorized requests fail this way. */
  failNext(fault: VaultFault, count = 1): void {
    this.faults.push(...Array.from({ length: count }, () => fault));
  }

  /** Every authorized request fails this way until `recover()`. */
  failAlways(fault: VaultFault): void {
    this.persistentFault = fault;
  }

  recover(): void {
    this.faults = [];
    this.persistentFault = undefined;
  }

  /** Successful and failed GETs of a secret (any version), by secret name. */
  reads(name: string): number {
    return this.secretReads.get(name.toLowerCase()) ?? 0;
  }

  totalReads(): number {
    return [...this.secretReads.values()].reduce((sum, count) => sum + count, 0);
  }

  versions(name: string): readonly string[] {
    return (this.secrets.get(name.toLowerCase()) ?? []).map((version) => version.value);
  }

  /** Writes a secret directly (as an operator in the portal would). */
  put(name: string, value: string): void {
    this.addVersion(name, value, "application/json");
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      this.respond(request, Buffer.concat(chunks).toString("utf8"), response);
    });
  }

  private respond(request: IncomingMessage, body: string, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    if (request.headers.authorization !== `Bearer ${FAKE_ACCESS_TOKEN}`) {
      this.challenges += 1;
      response.writeHead(401, {
        "WWW-Authenticate": `Bearer authorization="${AUTHORITY}", resource="https://vault.azure.net"`,
        "Content-Type": "application/json",
      });
      response.end(
        JSON.stringify({
          error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer." },
        }),
      );
      return;
    }
    this.authorizedRequests += 1;
    const [, collection, rawName, rawVersion] = url.pathname.split("/");
    const name = decodeURIComponent(rawName ?? "").toLowerCase();
    const version = decodeURIComponent(rawVersion ?? "");
    if (collection === "secrets" && request.method === "GET" && version !== "versions") {
      this.secretReads.set(name, (this.secretReads.get(name) ?? 0) + 1);
    }
    const fault = this.faults.shift() ?? this.persistentFault;
    if (fault === "drop") {
      request.socket.destroy();
      return;
    }
    if (fault !== undefined) {
      this.send(
        response,
        fault,
        { error: { code: FAULT_CODES[fault], message: "test fault" } },
        {
          "Retry-After": "0",
        },
      );
      return;
    }
    if (collection !== "secrets" || name === "" || !/^[0-9a-z-]{1,127}$/.test(name)) {
      this.send(response, 400, { error: { code: "BadParameter", message: "Bad secret name." } });
      return;
    }
    if (request.method === "PUT" && version === "") {
      const { value, contentType } = JSON.parse(body) as { value: string; contentType?: string };
      this.send(response, 200, this.bundle(name, this.addVersion(name, value, contentType)));
      return;
    }
    const versions = this.secrets.get(name) ?? [];
    if (request.method === "GET" && version === "versions") {
      this.send(response, 200, {
        value: versions.map((item) => {
          const { value: _value, ...properties } = this.bundle(name, item);
          return properties;
        }),
        nextLink: null,
      });
      return;
    }
    if (request.method === "GET") {
      const found = version === "" ? versions.at(-1) : versions.find((item) => item.version === version);
      if (!found) {
        this.send(response, 404, {
          error: {
            code: "SecretNotFound",
            message: `A secret with (name/id) ${name} was not found in this key vault.`,
          },
        });
        return;
      }
      this.send(response, 200, this.bundle(name, found));
      return;
    }
    this.send(response, 405, { error: { code: "MethodNotAllowed", message: "Not in this fake." } });
  }

  private addVersion(name: string, value: string, contentType?: string): Version {
    const key = name.toLowerCase();
    const version: Version = {
      version: randomUUID().replace(/-/g, ""),
      value,
      created: Math.floor(Date.now() / 1000),
      ...(contentType ? { contentType } : {}),
    };
    this.secrets.set(key, [...(this.secrets.get(key) ?? []), version]);
    return version;
  }

  private bundle(name: string, version: Version): Record<string, unknown> {
    return {
      value: version.value,
      id: `${this.url}/secrets/${name}/${version.version}`,
      ...(version.contentType ? { contentType: version.contentType } : {}),
      attributes: {
        enabled: true,
        created: version.created,
        updated: version.created,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: {},
    };
  }

  private send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(body));
  }
}

/** A fake vault for the test file: started before its tests, recovered after each, closed after all. */
export function useFakeKeyVault(): () => FakeKeyVault {
  let vault: FakeKeyVault | undefined;
  beforeAll(async () => {
    vault = await FakeKeyVault.start();
  });
  afterAll(() => vault?.close());
  afterEach(() => {
    vault?.recover();
  });
  return () => {
    if (vault === undefined) throw new Error("the fake vault starts in beforeAll");
    return vault;
  };
}
