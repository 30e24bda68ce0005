import type { BenchEnvironment } from "./environment";
import { quantile } from "./load";
import { PORTAL_VIEWS } from "./portalViews";
import { seedResources, userRows } from "./rows";

/**
 * The self-service portal: each view's API request timed against a tenant of many users and an
 * empty one in the same run (alternating), with the portal's own log line's storage round trips.
 */

export interface PortalBenchOptions {
  readonly users: number;
  /** Timed requests per view and tenant. */
  readonly requests: number;
  readonly log?: (line: string) => void;
}

export interface PortalViewResult {
  readonly view: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** The same view against the empty tenant. */
  readonly emptyP50Ms: number;
  /** p50 with many users / p50 empty: about 1 when the view reads nothing per user. */
  readonly ratio: number;
  readonly errors: number;
}

export interface PortalBenchResult {
  readonly users: number;
  readonly requests: number;
  readonly seedSeconds: number;
  readonly views: readonly PortalViewResult[];
}

/** What a view must answer within, on a tenant of 10,000 users. */
export const PORTAL_VIEW_TARGET_MS = 300;

async function signIn(env: BenchEnvironment, tenantId: string): Promise<string> {
  const { secret } = await env.services.setupLinks.create(tenantId, 1);
  const response = await fetch(`${env.host.origin}/portal/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ link: secret }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  await response.text();
  if (response.status !== 200 || cookie === undefined)
    throw new Error(`portal sign-in answered ${response.status}`);
  return cookie;
}

async function timed(url: string, cookie: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Cookie: cookie } });
  await response.arrayBuffer();
  return { ms: performance.now() - started, ok: response.status === 200 };
}

export async function measurePortal(
  env: BenchEnvironment,
  options: PortalBenchOptions,
): Promise<PortalBenchResult> {
  const log = options.log ?? (() => undefined);
  const large = await env.createTenant("portal-large");
  const empty = await env.createTenant("portal-empty");
  log(`portal: seeding ${options.users} users`);
  const seedStarted = performance.now();
  await seedResources(
    env.services.tables.resources,
    (index) => userRows(large.tenantId, "portal", index),
    options.users,
  );
  const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
  const cookies = { large: await signIn(env, large.tenantId), empty: await signIn(env, empty.tenantId) };
  const views: PortalViewResult[] = [];
  for (const { view, path } of PORTAL_VIEWS) {
    const url = `${env.host.origin}${path}`;
    const samples = { large: [] as number[], empty: [] as number[] };
    let errors = 0;
    for (let round = 0; round < options.requests; round += 1) {
      for (const side of ["large", "empty"] as const) {
        const { ms, ok } = await timed(url, cookies[side]);
        samples[side].push(ms);
        if (!ok) errors += 1;
      }
    }
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const largeSorted = sorted(samples.large);
    const emptyP50 = quantile(sorted(samples.empty), 0.5);
    const p50 = quantile(largeSorted, 0.5);
    views.push({
      view,
      p50Ms: p50,
      p95Ms: quantile(largeSorted, 0.95),
      emptyP50Ms: emptyP50,
      ratio: emptyP50 === 0 ? 1 : p50 / emptyP50,
      errors,
    });
    log(`portal: ${view} p50 ${p50.toFixed(1)} ms`);
  }
  return { users: options.users, requests: options.requests, seedSeconds, views };
}
