import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { deployedEnvironment, readAzdValues, TENANT_CLI, unattendedReason } from "./azdEnvironment";

/**
 * azd postdeploy hook (azure.yaml, for Linux, macOS and Windows alike): makes sure the deployed connector
 * has a first tenant and prints what an Entra admin pastes into Provisioning > Admin Credentials: the
 * Tenant URL and, when the tenant is new and someone is watching, its Secret Token. In an unattended run
 * (CI variables, or azd signed in as a service principal) the token is not printed, since it would end
 * up in a build log; the output says how to get one instead.
 *
 * Tenant name: SCIM_FIRST_TENANT in the shell, else in the azd environment, else "default". Role
 * assignments made by `azd provision` can take minutes to apply, so a refused call is retried
 * (SCIM_HOOK_ATTEMPTS, SCIM_HOOK_RETRY_SECONDS).
 */

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

interface CliResult {
  readonly ok: boolean;
  readonly stdout: string;
}

function tenantCli(args: string[], env: NodeJS.ProcessEnv, show: boolean): CliResult {
  const result = spawnSync(process.execPath, [TENANT_CLI, ...args], {
    env,
    encoding: "utf8",
    stdio: show ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "inherit"],
  });
  // With stdout inherited there is nothing captured (null at run time, whatever the types say).
  const stdout: unknown = result.stdout;
  return { ok: result.status === 0, stdout: typeof stdout === "string" ? stdout : "" };
}

function hasTenant(listing: string, name: string): boolean {
  try {
    return (JSON.parse(listing) as { tenantId?: string }[]).some((tenant) => tenant.tenantId === name);
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const values = readAzdValues();
  if ("error" in values) {
    console.error(`first tenant: ${values.error}`);
    return 1;
  }
  const name = process.env.SCIM_FIRST_TENANT || values.SCIM_FIRST_TENANT || "default";
  if (!TENANT_ID.test(name)) {
    console.error(`first tenant: '${name}' is not a tenant id (letters, digits, '-' and '_', at most 63).`);
    return 1;
  }
  const deployed = deployedEnvironment(values, process.env);
  if ("missing" in deployed) {
    console.error(
      `first tenant: the azd environment has no ${deployed.missing.join(" ")}: run 'azd provision' first.`,
    );
    return 1;
  }
  const { env } = deployed;
  const base = (values.SCIM_BASE_URL ?? "").replace(/\/+$/, "");
  const unattended = unattendedReason(process.env, values);
  const attempts = Number(process.env.SCIM_HOOK_ATTEMPTS ?? 8) || 8;
  const pause = Number(process.env.SCIM_HOOK_RETRY_SECONDS ?? 20);
  const rotateCommand = `npm run tenant:azure -- rotate ${name}`;

  for (let attempt = 1; ; attempt += 1) {
    const listing = tenantCli(["list", "--json"], env, false);
    if (listing.ok && hasTenant(listing.stdout, name)) {
      console.log(`\nTenant '${name}' already exists.`);
      console.log(`Tenant URL:   ${base}/${name}`);
      console.log(`Secret Token: shown only when it was created. For a new one:\n  ${rotateCommand}`);
      return 0;
    }
    if (listing.ok && unattended === undefined) {
      console.log(`\nCreating the first tenant '${name}':`);
      if (tenantCli(["create", name], env, true).ok) return 0;
    } else if (listing.ok) {
      const created = tenantCli(["create", name, "--json"], env, false);
      if (created.ok) {
        console.log(`\nCreated the first tenant '${name}'.`);
        console.log(`Tenant URL:   ${base}/${name}`);
        console.log(`Secret Token: not printed (${unattended}: this output may be a build log).`);
        console.log(`  Get one from a workstation signed in with azd; the unseen one stops at once:`);
        console.log(`  ${rotateCommand} --grace-days 0`);
        return 0;
      }
    }
    if (attempt >= attempts) {
      console.error(
        `first tenant: gave up after ${String(attempt)} attempts. Once your role assignments apply, run:`,
      );
      console.error(`  npm run tenant:azure -- create ${name}`);
      return 1;
    }
    console.error(
      `first tenant: not reachable yet (role assignments take a few minutes); retrying in ${String(pause)}s.`,
    );
    await sleep(pause * 1000);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`first tenant: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
