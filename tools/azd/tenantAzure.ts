import { spawnSync } from "node:child_process";
import { deployedEnvironment, readAzdValues, TENANT_CLI } from "./azdEnvironment";

/**
 * `npm run tenant:azure -- <tenant CLI arguments>`: the tenant CLI against the environment `azd up`
 * deployed (its storage, tables, vault and URL from `azd env get-values`), signed in with your azd login.
 * Plain Node, so it runs the same on Linux, macOS and Windows.
 */
function main(): number {
  const values = readAzdValues();
  if ("error" in values) {
    console.error(`tenant:azure: ${values.error}`);
    return 1;
  }
  const deployed = deployedEnvironment(values, process.env);
  if ("missing" in deployed) {
    console.error(
      `tenant:azure: the azd environment has no ${deployed.missing.join(" ")}: run 'azd provision' first.`,
    );
    return 1;
  }
  const result = spawnSync(process.execPath, [TENANT_CLI, ...process.argv.slice(2)], {
    env: deployed.env,
    stdio: "inherit",
  });
  return result.status ?? 1;
}

process.exitCode = main();
