import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { findChromium } from "./chromium";

describe("findChromium", () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "chromium-"));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function executable(name: string): string {
    const path = join(folder, name);
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, 0o755);
    return path;
  }

  it("takes CHROMIUM_PATH first", () => {
    executable("chromium");
    expect(findChromium({ CHROMIUM_PATH: "/opt/chrome/chrome", PATH: folder })).toBe("/opt/chrome/chrome");
  });

  it("finds the system's Chromium on PATH by its usual names, skipping files it cannot run", () => {
    writeFileSync(join(folder, "chromium"), "not executable");
    const browser = executable("chromium-browser");
    expect(findChromium({ PATH: ["/nonexistent", folder].join(delimiter) })).toBe(browser);
  });

  it("says how to get one when there is none", () => {
    expect(() => findChromium({ PATH: folder })).toThrow(/apt-get install chromium.*CHROMIUM_PATH/);
  });
});
