import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { tableConnectionString } from "../azurite";
import { quantile } from "./load";

export interface ColdStartResult {
  readonly entry: string;
  readonly runs: number;
  /** Time inside `require(entry)`, per run. */
  readonly requireMs: readonly number[];
  readonly medianRequireMs: number;
  /** Spawn to exit of `node -e "require(entry)"`, including node's own start. */
  readonly medianProcessMs: number;
  readonly targetMs: number;
  /** The heaviest modules the entry loads (inclusive ms, one extra run). */
  readonly heaviest: readonly { readonly module: string; readonly ms: number }[];
}

/** The built Functions entry (package.json "main": the esbuild bundle), relative to dist/tools/bench. */
export const FUNCTIONS_ENTRY = resolve(__dirname, "../../bundle/index.js");

/** The entry may print to stdout itself (the Functions library does): results follow this marker. */
const MARKER = "BENCH-RESULT ";

/** The JSON after the marker on the last marked line of a child's stdout. */
function markedResult(stdout: string): unknown {
  const line = stdout
    .split("\n")
    .reverse()
    .find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`no result in the output: ${stdout.slice(0, 200)}`);
  return JSON.parse(line.slice(MARKER.length));
}

const TIMED = `const MARK=${JSON.stringify(MARKER)};const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write("\\n"+MARK+JSON.stringify({ms:Number(process.hrtime.bigint()-t)/1e6}))`;

/** Times every module load up to three levels deep and prints the heaviest first. */
const PROFILED = `const MARK=${JSON.stringify(MARKER)};const M=require("module");const load=M._load;const times={};let depth=0;
M._load=function(request){const t=process.hrtime.bigint();depth++;try{return load.apply(this,arguments)}finally{depth--;if(depth<3){const k=request;times[k]=(times[k]||0)+Number(process.hrtime.bigint()-t)/1e6}}};
require(process.argv[1]);process.stdout.write("\\n"+MARK+JSON.stringify(times))`;

function runNode(script: string, entry: string): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ["-e", script, entry],
      {
        // Config is validated at start-up, so the entry needs a valid-looking storage setting.
        env: { ...process.env, STORAGE_CONNECTION_STRING: tableConnectionString(10002), KEY_VAULT_URI: "" },
        maxBuffer: 1024 * 1024,
      },
      (error, stdout) => {
        if (error) fail(new Error(`cold-start run failed: ${error.message}`));
        else done({ stdout, ms: performance.now() - started });
      },
    );
  });
}

/** `require` of the built Functions entry in fresh node processes: median of `runs`. */
export async function measureColdStart(runs: number, entry = FUNCTIONS_ENTRY): Promise<ColdStartResult> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const requireMs: number[] = [];
  const processMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const { stdout, ms } = await runNode(TIMED, entry);
    requireMs.push(Math.round((markedResult(stdout) as { ms: number }).ms));
    processMs.push(Math.round(ms));
  }
  const profile = markedResult((await runNode(PROFILED, entry)).stdout) as Record<string, number>;
  const heaviest = Object.entries(profile)
    .filter(([module]) => module !== entry)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([module, ms]) => ({ module, ms: Math.round(ms) }));
  const median = (values: number[]) =>
    quantile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
  return {
    entry,
    runs,
    requireMs,
    medianRequireMs: median(requireMs),
    medianProcessMs: median(processMs),
    targetMs: 300,
    heaviest,
  };
}
