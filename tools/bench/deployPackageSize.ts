import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DEPLOY_DIR, directoryBytes } from "../deployPackage";
import { FUNCTIONS_ENTRY, measureColdStart } from "./coldStart";

/**
 * The size of the deployment package (`npm run package:deploy` builds it into dist/deploy) and its
 * cold start next to the entry the project root runs with its node_modules
 * (`npm run package:deploy -- --measure`).
 */

const ROOT = join(DEPLOY_DIR, "..", "..");

async function measure(): Promise<void> {
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const bundle = readFileSync(join(DEPLOY_DIR, "index.js"));
  console.log(
    `deploy package: ${mb(directoryBytes(DEPLOY_DIR))} (index.js gzipped: ${mb(gzipSync(bundle).length)})`,
  );
  console.log(
    `node_modules of this checkout (what a full npm install puts beside the app): ${mb(directoryBytes(join(ROOT, "node_modules")))}`,
  );
  const runs = 9;
  // Alternate the two entries so that machine load hits both alike.
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    before.push(...(await measureColdStart(runs, FUNCTIONS_ENTRY)).requireMs);
    after.push(...(await measureColdStart(runs, join(DEPLOY_DIR, "index.js"))).requireMs);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(
    `require() median over ${String(before.length)} runs: root entry + node_modules ${String(median(before))} ms, ` +
      `deploy package ${String(median(after))} ms (ratio ${(median(after) / median(before)).toFixed(2)})`,
  );
}

if (require.main === module) void measure();
