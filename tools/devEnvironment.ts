import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { AppServices } from "../src/app/composition";
import { ensureTables } from "../src/store";
import { setupLinkUrl } from "./setupLinkCli";

/** Where `npm run dev` keeps Azurite's data, the demo token and its running record (git-ignored). */
export const DEV_FOLDER = join(process.cwd(), ".azurite");
const STATE_FILE = join(DEV_FOLDER, "dev.json");

export const DEMO_TENANT = "demo";

/** What a restart of the persistent `npm run dev` reuses (how to reach it: runningConnector.ts). */
export interface DevState {
  /** The demo tenant's token, kept so a restart can print it again (local development only). */
  readonly demoToken?: string;
}

export function readDevState(): DevState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as DevState;
}

export function writeDevState(state: DevState): void {
  mkdirSync(DEV_FOLDER, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function tenantUrl(origin: string, tenantId: string): string {
  return `${origin}/scim/v2/${tenantId}`;
}

/**
 * Creates the tables and the demo tenant (first start), or reuses the token kept from before while
 * it still works. It may not: rotated with the tenant CLI, or kept in `.azurite/` by an older
 * version that stored credentials differently. Then a new one is issued, so the printed token works.
 */
export async function prepareDemoTenant(
  services: AppServices,
  previousToken: string | undefined,
): Promise<string> {
  await ensureTables(services.tables);
  if (!(await services.tenants.exists(DEMO_TENANT))) return services.tenants.create(DEMO_TENANT);
  if (previousToken !== undefined && (await services.authenticator.verify(DEMO_TENANT, previousToken)))
    return previousToken;
  const token = await services.tenants.rotate(DEMO_TENANT, 0);
  // The check above cached the credentials it read; the host must see the new token at once.
  services.authenticator.forget(DEMO_TENANT);
  return token;
}

/** A fresh one-time setup link into the portal for the demo tenant, printed at every start. */
export async function demoSetupLink(services: AppServices, origin: string): Promise<string> {
  const link = await services.setupLinks.create(DEMO_TENANT);
  return setupLinkUrl(origin, link.secret);
}
