import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableConnectionString } from "../../tools/azurite";
import { CliError } from "../../tools/cliCommand";
import {
  findRunningConnector,
  recordRunningConnector,
  type RunningConnector,
} from "../../tools/runningConnector";

describe("the running local connector's record", () => {
  let folder: string;
  let file: string;
  let storage: Server;
  let port: number;

  const connector = (pid: number, storagePort = port): RunningConnector => ({
    pid,
    origin: "http://127.0.0.1:7071",
    storageConnectionString: tableConnectionString(storagePort),
    inMemory: false,
    startedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    storage = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => storage.listen(0, "127.0.0.1", resolve));
    port = (storage.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => storage.close(resolve)));

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "running-"));
    file = join(folder, ".azurite", "running.json");
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("is found while its process lives and its storage port accepts connections", async () => {
    recordRunningConnector(connector(process.pid), file);
    expect(await findRunningConnector(file)).toMatchObject({
      pid: process.pid,
      origin: "http://127.0.0.1:7071",
    });
  });

  it("is removed by its own stop, but not when a later start replaced it", () => {
    const forgetFirst = recordRunningConnector(connector(process.pid), file);
    const forgetSecond = recordRunningConnector(connector(process.ppid), file);
    forgetFirst();
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.ppid);
    forgetSecond();
    expect(existsSync(file)).toBe(false);
  });

  it("an unreadable record is reported, not parsed into a wrong connector", async () => {
    recordRunningConnector(connector(process.pid), file);
    writeFileSync(file, "{not json");
    const error = await findRunningConnector(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).errorClass).toBe("noConnector");
    expect((error as CliError).message).toContain("is unreadable");
  });
});
