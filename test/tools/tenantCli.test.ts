import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tableConnectionString } from "../../tools/azurite";
import { EXIT_CODES } from "../../tools/cliCommand";
import { freePort } from "../../tools/freePort";
import { COMMANDS } from "../../tools/tenantCli";
import { bundleTool, cleanEnvironment, runNode, type ProcessRun } from "../support/toolProcess";

describe("the README's table of --json shapes", () => {
  it("has a row for every command of the tenant CLI", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("| Command "), readme.indexOf("**Errors**"));
    const documented = new Set([...table.matchAll(/`([a-z-]+)(?: [a-z<>-]+)?`/g)].map((match) => match[1]));
    expect(COMMANDS.map((command) => command.name).filter((name) => !documented.has(name))).toEqual([]);
  });
});

/** `npm run tenant` as an operator runs it: a process, with a working folder, env, output and exit code. */
describe("tenant CLI as a process", () => {
  let cli: ReturnType<typeof bundleTool>;
  let dev: ReturnType<typeof bundleTool>;
  let folder: string;

  const tenant = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> =>
    runNode(cli.path, args, { cwd: folder, env: cleanEnvironment(env) });
  const runningFile = () => join(folder, ".azurite", "running.json");
  const lines = (text: string) => text.split("\n").filter((line) => line !== "");

  beforeAll(() => {
    cli = bundleTool("tools/tenantCli.ts");
    dev = bundleTool("tools/dev.ts");
  });

  afterAll(() => {
    cli.remove();
    dev.remove();
  });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "tenant-cli-"));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** The bundled `npm run dev -- --in-memory` in `cwd`, once it serves. */
  async function startDev(cwd: string): Promise<{ child: ChildProcess; origin: string; azuritePid: number }> {
    const child = spawn(process.execPath, [dev.path, "--in-memory"], {
      cwd,
      env: cleanEnvironment({ PORT: "0" }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const started = /SCIM connector running at (http:\/\/\S+) \(Azurite Table service pid (\d+)\)/.exec(
          output,
        );
        if (started?.[1] !== undefined)
          resolve({ child, origin: started[1], azuritePid: Number(started[2]) });
      });
      child.once("exit", (code) => {
        reject(new Error(`npm run dev exited with ${code}: ${output}`));
      });
    });
  }

  it("after 'npm run dev' was killed (no clean stop): its record is stale, one line, exit 5", async () => {
    const { child, azuritePid } = await startDev(folder);
    expect((await tenant(["list", "--json"])).code).toBe(0);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    try {
      expect(existsSync(runningFile())).toBe(true);
      const run = await tenant(["list"]);
      expect(run.code).toBe(EXIT_CODES.noConnector);
      expect(run.stdout).toBe("");
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(
          /is not running: its process \d+ is gone \(stale record\)\. Start it with 'npm run dev'/,
        ),
      ]);
    } finally {
      // Its Azurite outlives it (as after a real kill -9): stop that by its pid.
      process.kill(azuritePid, "SIGKILL");
    }
  });

  async function exitedPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => child.once("exit", resolve));
    return child.pid ?? 0;
  }

  function recordConnector(pid: number, storagePort: number): void {
    mkdirSync(join(folder, ".azurite"));
    writeFileSync(
      runningFile(),
      JSON.stringify({
        pid,
        origin: "http://127.0.0.1:7071",
        storageConnectionString: tableConnectionString(storagePort),
        inMemory: true,
        startedAt: new Date().toISOString(),
      }),
    );
  }

  it("with a stale record of a stopped connector: one line saying what to do, exit code 5", async () => {
    recordConnector(await exitedPid(), await freePort());
    const run = await tenant(["list"]);
    expect(run.code).toBe(EXIT_CODES.noConnector);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^The local connector recorded in .*running\.json .* is not running: its process \d+ is gone \(stale record\)\. Start it with 'npm run dev'/,
    );

    const json = await tenant(["list", "--json"]);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        class: "noConnector",
        exitCode: 5,
        message: expect.stringContaining("stale record") as string,
        fix: expect.stringContaining("npm run dev") as string,
      },
    });
  });

  it("with a record whose process lives but whose storage port is closed: stale too", async () => {
    const closed = await freePort();
    recordConnector(process.pid, closed);
    const run = await tenant(["tokens", "demo"]);
    expect(run.code).toBe(5);
    expect(lines(run.stderr)).toEqual([expect.stringContaining(`its storage port ${closed} is closed`)]);
  });

  it("without any connector or setting: one line, exit 5; storage that refuses: one line, exit 6", async () => {
    const none = await tenant(["create", "acme"]);
    expect(none.code).toBe(5);
    expect(lines(none.stderr)).toEqual([expect.stringMatching(/^No local connector is running/)]);

    const closed = { STORAGE_CONNECTION_STRING: tableConnectionString(await freePort()) };
    const refused = await tenant(["list"], closed);
    expect(refused.code).toBe(EXIT_CODES.unreachable);
    expect(lines(refused.stderr)).toEqual([
      expect.stringMatching(
        /^The storage at 127\.0\.0\.1:(\d+) is not reachable \(nothing answers on port \1\)\. Check/,
      ),
    ]);
  });

  it("storage that hangs up: one line without the SDK's error; --verbose adds it", async () => {
    const hangUp = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
    const port = (hangUp.address() as AddressInfo).port;
    try {
      const storage = { STORAGE_CONNECTION_STRING: tableConnectionString(port) };
      const quiet = await tenant(["list"], storage);
      expect(quiet.code).toBe(EXIT_CODES.unreachable);
      expect(lines(quiet.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^The storage at 127\\.0\\.0\\.1:${port} is not reachable \\(the connection was closed before an answer\\)`,
          ),
        ),
      ]);
      expect(quiet.stderr).not.toContain("RestError");

      const verbose = await tenant(["list", "--verbose"], storage);
      expect(verbose.code).toBe(6);
      expect(lines(verbose.stderr)[0]).toBe(lines(quiet.stderr)[0]);
      expect(lines(verbose.stderr).length).toBeGreaterThan(1);
      expect(verbose.stderr).toContain("RestError");
    } finally {
      await new Promise((resolve) => hangUp.close(resolve));
    }
    // The SDK retries a hang-up a few times before it gives up: two runs of that.
  }, 120_000);

  it("Azure storage without an Azure sign-in (the real DefaultAzureCredential): one line, exit 8", async () => {
    // Something listens (the reachability probe passes); no token is ever got to talk to it.
    const listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as AddressInfo;
    try {
      const run = await tenant(["list"], {
        STORAGE_TABLE_ENDPOINT: `https://127.0.0.1:${port}/scimdata`,
        // No az, azd or pwsh to borrow a sign-in from, and no service principal or managed identity.
        PATH: dirname(process.execPath),
        AZURE_CLIENT_ID: "",
        AZURE_TENANT_ID: "",
        AZURE_CLIENT_SECRET: "",
        IDENTITY_ENDPOINT: "",
        MSI_ENDPOINT: "",
      });
      expect(run.code).toBe(EXIT_CODES.login);
      expect(lines(run.stderr)).toEqual([
        "No Azure sign-in to reach storage with (AggregateAuthenticationError). Run 'az login' (or 'azd auth login'), then run the command again.",
      ]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("usage mistakes: exit 2 with the help to read; help <command> prints that command's help", async () => {
    const unknown = await tenant(["rotat", "acme"]);
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr.trim()).toBe("Unknown command 'rotat'. See 'npm run tenant -- help'.");
    const option = await tenant(["rotate", "acme", "--grace", "1"]);
    expect(option.code).toBe(2);
    expect(lines(option.stderr)).toEqual([expect.stringContaining("'npm run tenant -- help rotate'")]);

    const help = await tenant(["help", "rotate"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("npm run tenant -- rotate <tenantId> [--grace-days 7]");
    expect((await tenant(["rotate", "--help"])).stdout).toBe(help.stdout);
    const overview = await tenant([]);
    expect(overview.stdout).toContain("Exit codes:");
  });

  describe("against a running 'npm run dev -- --in-memory'", () => {
    let connector: ChildProcess;
    let origin: string;
    let devFolder: string;

    beforeAll(async () => {
      devFolder = mkdtempSync(join(tmpdir(), "tenant-cli-dev-"));
      ({ child: connector, origin } = await startDev(devFolder));
    }, 120_000);

    afterAll(async () => {
      if (connector.exitCode === null) {
        connector.kill("SIGINT");
        await new Promise((resolve) => connector.once("exit", resolve));
      }
      rmSync(devFolder, { recursive: true, force: true });
    });

    const json = async (...args: string[]): Promise<any> => {
      const run = await runNode(cli.path, [...args, "--json"], { cwd: devFolder, env: cleanEnvironment() });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: "" });
      return JSON.parse(run.stdout);
    };

    it("finds it from its record, and every command's --json has the documented fields", async () => {
      const record = JSON.parse(readFileSync(join(devFolder, ".azurite", "running.json"), "utf8"));
      expect(record).toMatchObject({ pid: connector.pid, origin, inMemory: true });

      expect(await json("list")).toEqual([
        { tenantId: "demo", status: "active", created: expect.any(String) },
      ]);
      const created = await json("create", "acme");
      expect(created).toEqual({
        tenantId: "acme",
        tenantUrl: `${origin}/scim/v2/acme`,
        token: expect.stringMatching(/^scim_/),
      });
      // The token printed opens the tenant on the running connector.
      const users = await fetch(`${created.tenantUrl}/Users`, {
        headers: { Authorization: `Bearer ${created.token}` },
      });
      expect(users.status).toBe(200);

      const rotated = await json("rotate", "acme", "--grace-days", "1");
      expect(Object.keys(rotated).sort()).toEqual(["tenantId", "tenantUrl", "token"]);
      const tokens = await json("tokens", "acme");
      expect(tokens).toHaveLength(2);
      for (const token of tokens)
        expect(Object.keys(token).sort()).toEqual(expect.arrayContaining(["created", "id", "status"]));
      expect(tokens.map((token: { status: string }) => token.status).sort()).toEqual(["active", "expiring"]);
      expect(JSON.stringify(tokens)).not.toContain(created.token);
      const revoked = await json("revoke", "acme");
      expect(revoked).toEqual({
        tenantId: "acme",
        revoked: [tokens.find((t: { status: string }) => t.status === "expiring").id],
      });

      const client = await json("client", "create", "acme", "--years", "2");
      expect(Object.keys(client).sort()).toEqual([
        "clientId",
        "clientSecret",
        "expiresAt",
        "tenantId",
        "tenantUrl",
        "tokenEndpoint",
      ]);
      expect(await json("client", "list", "acme")).toEqual([
        { id: client.clientId, status: "active", created: expect.any(String), expiresAt: client.expiresAt },
      ]);
      expect(await json("client", "revoke", "acme", client.clientId)).toEqual({
        tenantId: "acme",
        clientId: client.clientId,
        status: "revoked",
      });

      const urn = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
      await json("schema", "add", "acme", `${urn}:costCenter`);
      expect(await json("schema", "list", "acme")).toEqual({
        undeclaredExtensions: "store",
        attributes: [
          {
            schema: urn,
            resourceType: "User",
            name: "costCenter",
            type: "string",
            multiValued: false,
            caseExact: false,
          },
        ],
      });

      const audit = await json("audit", "acme");
      expect(audit.records.map((record: { operation: string }) => record.operation)).toEqual(
        expect.arrayContaining(["credentialRotated", "credentialRevoked", "clientCreated"]),
      );
      expect(Object.keys(audit.records[0])).toEqual(
        expect.arrayContaining(["time", "operation", "resourceType", "resourceId", "changes"]),
      );
      const summary = await json("summary", "acme");
      expect(Object.keys(summary)).toEqual(
        expect.arrayContaining(["tenantId", "lastHour", "lastDay", "outlook"]),
      );
      expect(summary).toMatchObject({
        tenantId: "acme",
        lastHour: { requests: expect.any(Number), failures: expect.any(Number) },
        outlook: { status: expect.any(String), reasons: expect.any(Array) },
      });

      expect(await json("debug", "acme", "--minutes", "5")).toEqual({
        tenantId: "acme",
        debugUntil: expect.any(String),
      });
      expect(await json("debug", "acme", "--off")).toEqual({ tenantId: "acme", debugUntil: null });
      expect(await json("disable", "acme")).toEqual({ tenantId: "acme", status: "disabled" });
      expect(await json("enable", "acme")).toEqual({ tenantId: "acme", status: "active" });
      expect(Object.keys(await json("admin-token")).sort()).toEqual(["sha256", "token"]);
      expect(await json("purge-audit")).toEqual({ purged: 0 });
      expect((await json("help")).commands).toEqual(
        expect.arrayContaining([{ name: "client", summary: expect.any(String) }]),
      );

      const unknown = await runNode(cli.path, ["tokens", "nobody", "--json"], {
        cwd: devFolder,
        env: cleanEnvironment(),
      });
      expect(unknown.code).toBe(EXIT_CODES.notFound);
      expect(JSON.parse(unknown.stderr).error).toMatchObject({
        class: "notFound",
        message: "Tenant 'nobody' does not exist.",
      });
      const again = await runNode(cli.path, ["create", "acme"], { cwd: devFolder, env: cleanEnvironment() });
      expect(again.code).toBe(EXIT_CODES.refused);
      expect(lines(again.stderr)).toEqual(["Tenant 'acme' already exists. Use 'rotate' for a new token."]);
      // About twenty CLI processes in a row: generous for a loaded 2-core machine.
    }, 180_000);

    it("removes its record at a clean stop, after which the CLI says no connector runs", async () => {
      connector.kill("SIGINT");
      await new Promise((resolve) => connector.once("exit", resolve));
      expect(existsSync(join(devFolder, ".azurite", "running.json"))).toBe(false);
      const run = await runNode(cli.path, ["list"], { cwd: devFolder, env: cleanEnvironment() });
      expect(run.code).toBe(5);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(/^No local connector is running/)]);
    });
  });
});
