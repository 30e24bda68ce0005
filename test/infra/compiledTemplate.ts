import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
export const INFRA = join(ROOT, "infra");

/**
 * The Bicep CLI, found the way CI finds it: tools/bicep/install.sh prints its path, restoring it from
 * NuGet into .tools/ when it is missing. Under CI a missing CLI is an error; elsewhere the template
 * tests are reported as skipped, with the reason (a developer machine may have no .NET SDK).
 */
function findBicep(): { path: string } | { missing: string } {
  const result = spawnSync("bash", [join(ROOT, "tools", "bicep", "install.sh")], { encoding: "utf8" });
  const path = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status === 0 && path !== "") return { path };
  return { missing: `tools/bicep/install.sh failed (${String(result.status)}): ${result.stderr.trim()}` };
}

function runsInCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * A describe block that needs the Bicep CLI: skipped, saying why, when it is missing outside CI; under
 * CI a missing CLI fails the block's tests instead.
 */
export function describeWithBicep(title: string, body: (bicep: () => string) => void): void {
  const found = findBicep();
  if ("missing" in found && !runsInCi()) {
    describe.skip(`${title} (skipped: no Bicep CLI; ${found.missing})`, () => {
      it("needs the Bicep CLI (bash tools/bicep/install.sh)", () => undefined);
    });
    return;
  }
  describe(title, () => {
    body(() => {
      if ("missing" in found) throw new Error(`CI must have the Bicep CLI: ${found.missing}`);
      return found.path;
    });
  });
}

export type Json = Record<string, any>;

/** `bicep build <main> --stdout`: the ARM JSON azd deploys. Throws with bicep's diagnostics on failure. */
export function compileTemplate(bicep: string, infraDir = INFRA): Json {
  const result = spawnSync(bicep, ["build", join(infraDir, "main.bicep"), "--stdout"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bicep build failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Json;
}

/** A mutation of the infra sources: the file under infra/ and the exact text replaced in it. */
export interface InfraMutation {
  readonly description: string;
  readonly file: string;
  readonly from: string | RegExp;
  readonly to: string;
}

/**
 * Compiles a temporary copy of infra/ with the mutation applied (asynchronously, so that several
 * compile side by side); rejects when the text to replace is not there.
 */
export async function compileMutated(bicep: string, mutation: InfraMutation): Promise<Json> {
  const dir = mkdtempSync(join(tmpdir(), "infra-mutation-"));
  try {
    cpSync(INFRA, dir, { recursive: true });
    const file = join(dir, mutation.file);
    const text = readFileSync(file, "utf8");
    const mutated = text.replace(mutation.from, mutation.to);
    if (mutated === text) throw new Error(`mutation '${mutation.description}' found nothing to change`);
    writeFileSync(file, mutated);
    return JSON.parse(await runBicep(bicep, ["build", join(dir, "main.bicep"), "--stdout"])) as Json;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runBicep(bicep: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bicep, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bicep ${args[0] ?? ""} failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

export const SNAPSHOT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/**
 * `bicep snapshot`: the resources a deployment of main.bicep with these parameters would create, with
 * every expression the CLI can evaluate offline evaluated (conditions, loops, lambdas, names); values
 * known only in Azure (a new identity's ids, endpoints) stay expressions.
 */
export async function snapshotTemplate(
  bicep: string,
  parameters: Readonly<Record<string, string | boolean>>,
): Promise<Json[]> {
  const dir = mkdtempSync(join(tmpdir(), "infra-snapshot-"));
  try {
    cpSync(INFRA, dir, { recursive: true });
    const lines = Object.entries(parameters).map(
      ([name, value]) => `param ${name} = ${typeof value === "string" ? `'${value}'` : String(value)}`,
    );
    writeFileSync(join(dir, "main.bicepparam"), `using 'main.bicep'\n${lines.join("\n")}\n`);
    await runBicep(bicep, [
      "snapshot",
      join(dir, "main.bicepparam"),
      "--subscription-id",
      SNAPSHOT_SUBSCRIPTION,
      "--location",
      String(parameters.location ?? "westeurope"),
    ]);
    const snapshot = JSON.parse(readFileSync(join(dir, "main.snapshot.json"), "utf8")) as Json;
    return snapshot.predictedResources as Json[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A module (nested deployment) of main.bicep by its symbolic name, and its inner template. */
export function moduleOf(template: Json, name: string): { deployment: Json; template: Json } {
  const deployment = (template.resources as Json)[name] as Json | undefined;
  if (deployment?.type !== "Microsoft.Resources/deployments") throw new Error(`no module '${name}'`);
  return { deployment, template: deployment.properties.template as Json };
}

/** Resources of a template as [symbolic name or index, resource], whichever form the compiler chose. */
export function resourcesOf(template: Json): [string, Json][] {
  const resources = template.resources as Json | Json[];
  return Array.isArray(resources)
    ? resources.map((resource, index) => [String(index), resource])
    : Object.entries(resources);
}
