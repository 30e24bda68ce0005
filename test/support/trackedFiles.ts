import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const repositoryRoot = join(__dirname, "..", "..");

/** Files git tracks, or would track once added (so a new file is checked before its commit). */
export function trackedFiles(): string[] {
  const output = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  return output
    .split("\0")
    .filter((path) => path !== "" && path !== "package-lock.json" && existsSync(join(repositoryRoot, path)));
}
