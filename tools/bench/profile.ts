import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLoad, type Operation } from "./load";

/** One node of a V8 CPU profile (the `.cpuprofile` format Chrome DevTools opens). */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  /** Share of all samples (0–1). */
  readonly self: number;
}

export interface ProfileSummary {
  readonly operation: string;
  readonly requests: number;
  /** Self time by part of the code: ours by src/ directory, the SDK, node's own, GC. */
  readonly areas: readonly ProfileEntry[];
  /** Self time by function, the heaviest first. */
  readonly functions: readonly ProfileEntry[];
  /** Where the .cpuprofile was written. */
  readonly file?: string;
}

const SAMPLING_INTERVAL_US = 200;

/** The part of the code a frame belongs to, for the summary by area. */
export function areaOf(url: string, functionName: string): string {
  if (url === "") return functionName === "" ? "(anonymous native)" : functionName;
  const src = /\/(src|tools)\/([^/]+)\//.exec(url);
  if (src && !url.includes("node_modules")) return `${src[1]}/${src[2]}`;
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageName) return packageName[1] ?? url;
  if (url.startsWith("node:")) return `node (${url.slice("node:".length)})`;
  return url;
}

function shortUrl(url: string): string {
  const at = url.search(/\/(src|tools|node_modules)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, "");
}

function top(totals: Map<string, number>, all: number, count: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, value]) => ({ name, self: all > 0 ? value / all : 0 }));
}

/**
 * Self time by area and by function, as shares of the samples that were not idle. A sample's time is
 * wall time to the next one (on a loaded machine it includes time the process waited for a core), so
 * only the shares are reported; the bench's CPU per operation is the absolute figure.
 */
export function summariseProfile(
  profile: CpuProfile,
  operation: string,
  requests: number,
  count = 25,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (const [index, id] of samples.entries()) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") continue;
    const us = Math.max(0, deltas[index + 1] ?? SAMPLING_INTERVAL_US);
    busy += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = `${functionName || "(anonymous)"}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  return {
    operation,
    requests,
    areas: top(areas, busy, count),
    functions: top(functions, busy, count),
  };
}

/**
 * Runs `operation` under the V8 sampling profiler of this process (the host, the bench's HTTP
 * client and the Table SDK all live here), and writes the profile to `directory` when given.
 */
export async function profileOperation(
  name: string,
  operation: Operation,
  load: { readonly concurrency: number; readonly requests: number },
  directory?: string,
): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await session.post("Profiler.start");
    const result = await runLoad(load, operation);
    const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
    const summary = summariseProfile(profile, name, result.count);
    if (directory === undefined) return summary;
    const file = join(directory, `${name.replace(/[^\w]+/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return { ...summary, file };
  } finally {
    session.disconnect();
  }
}
