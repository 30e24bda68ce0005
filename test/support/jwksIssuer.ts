import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from "jose";

export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

/** What the key set URL answers. */
export type IssuerMode = "keys" | "down" | "garbage" | "notFound";

export async function makeKey(kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" } };
}

/**
 * A token issuer on 127.0.0.1 for tests: publishes its keys as a JWKS (or fails to, by mode),
 * counts the fetches, and signs assertions with keys made in the test.
 */
export class TestIssuer {
  mode: IssuerMode = "keys";
  fetches = 0;
  published: IssuerKey[] = [];
  private server?: Server;
  private origin = "";

  get jwksUri(): string {
    return `${this.origin}/discovery/keys`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.fetches += 1;
      if (this.mode === "down") {
        response.writeHead(503).end();
        return;
      }
      if (this.mode === "notFound" || request.url !== "/discovery/keys") {
        response.writeHead(404).end();
        return;
      }
      if (this.mode === "garbage") {
        response.writeHead(200, { "Content-Type": "text/html" }).end("<html>sign in</html>");
        return;
      }
      response
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ keys: this.published.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops answering at all: connections are refused. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => {
        resolve();
      });
      this.server?.closeAllConnections();
    });
  }
}

export function signAssertion(
  key: Pick<IssuerKey, "kid" | "privateKey">,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, ...header })
    .sign(key.privateKey);
}
