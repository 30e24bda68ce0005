import { parseArgs } from "node:util";
import { CliError, result, textCommand, type CliCommand, type CliContext } from "../../tools/cliCommand";
import { runProgram, type CliProgram } from "../../tools/cliRunner";

const noStorage: CliContext = {
  services: () => Promise.reject(new Error("no storage in this test")),
  scimBaseUrl: () => Promise.resolve("http://127.0.0.1:7071/scim/v2"),
  tenantServices: () => Promise.reject(new Error("no storage in this test")),
};

const greet: CliCommand = {
  name: "greet",
  summary: "says hello",
  usage: "npm run tenant -- greet <name> [--loud]",
  options: { loud: { type: "boolean" } },
  run(args) {
    const name = args.required(0, "a name");
    if (name === "nobody") throw new CliError("notFound", "No 'nobody'.", "Greet somebody.");
    const text = `hello ${name}${args.flag("loud") ? "!" : ""}`;
    return Promise.resolve(result({ greeting: text }, text));
  },
};

/** A command in the older style: its own parseArgs, JSON text with --json. */
const legacy = textCommand({
  name: "legacy",
  summary: "parses its own options",
  usage: "npm run tenant -- legacy [--colour c]",
  run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: { colour: { type: "string" }, json: { type: "boolean" } },
    });
    const colour = values.colour ?? "none";
    return Promise.resolve(values.json ? JSON.stringify({ colour }) : `colour ${colour}`);
  },
});

const program: CliProgram = {
  invocation: "npm run tenant --",
  commands: [greet, legacy],
  footer: "Exit codes: …",
};

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProgram(program, argv, () => noStorage, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out, err };
}

describe("the CLI runner every tenant command goes through", () => {
  it("prints text, or the data as one JSON document with --json (anywhere on the line)", async () => {
    expect(await run("greet", "ann", "--loud")).toEqual({ code: 0, out: ["hello ann!"], err: [] });
    expect(await run("--json", "greet", "ann")).toEqual({
      code: 0,
      out: ['{"greeting":"hello ann"}'],
      err: [],
    });
  });

  it("maps errors to one line and their class's exit code; --json makes the line a JSON object", async () => {
    expect(await run("greet", "nobody")).toEqual({ code: 3, out: [], err: ["No 'nobody'. Greet somebody."] });
    const json = await run("greet", "nobody", "--json");
    expect(JSON.parse(json.err[0] ?? "")).toEqual({
      error: { class: "notFound", exitCode: 3, message: "No 'nobody'.", fix: "Greet somebody." },
    });
    expect(await run("greet")).toMatchObject({
      code: 2,
      err: ["'greet' needs a name. See 'npm run tenant -- help greet'."],
    });
    expect(await run("greet", "ann", "--quiet")).toMatchObject({
      code: 2,
      err: ["Unknown option '--quiet'. See 'npm run tenant -- help greet'."],
    });
  });

  it("an unexpected error: one line, exit 1; its stack only with --verbose", async () => {
    const broken: CliCommand = { ...greet, run: () => Promise.reject(new Error("boom\nsecond line")) };
    const err: string[] = [];
    const runBroken = (...argv: string[]) =>
      runProgram({ ...program, commands: [broken] }, argv, () => noStorage, {
        out: () => undefined,
        err: (text) => err.push(text),
      });
    expect(await runBroken("greet", "x")).toBe(1);
    expect(err).toEqual(["Unexpected error: boom. Run the command again with --verbose for the details."]);
    err.length = 0;
    expect(await runBroken("greet", "x", "--verbose")).toBe(1);
    expect(err).toHaveLength(2);
    expect(err[1]).toContain("second line");
    expect(err[1]).toMatch(/\n\s+at /);
  });

  it("help: the overview, or one command's usage; --help after a command is the same", async () => {
    const overview = await run("help");
    expect(overview.out[0]).toContain("  greet   says hello");
    expect(overview.out[0]).toContain("Exit codes: …");
    expect((await run("help", "greet")).out).toEqual(["npm run tenant -- greet <name> [--loud]"]);
    expect((await run("greet", "--help")).out).toEqual(["npm run tenant -- greet <name> [--loud]"]);
    expect(JSON.parse((await run("help", "--json")).out[0] ?? "")).toEqual({
      commands: [
        { name: "greet", summary: "says hello" },
        { name: "legacy", summary: "parses its own options" },
      ],
    });
    expect(await run("help", "nothing")).toMatchObject({
      code: 2,
      err: ["Unknown command 'nothing'. See 'npm run tenant -- help'."],
    });
  });

  it("a command that parses its own options gets them as typed, and its JSON text as data", async () => {
    expect(await run("legacy", "--colour", "red")).toEqual({ code: 0, out: ["colour red"], err: [] });
    expect(await run("legacy", "--colour", "red", "--json")).toEqual({
      code: 0,
      out: ['{"colour":"red"}'],
      err: [],
    });
    expect(await run("legacy", "--shade", "x")).toMatchObject({
      code: 2,
      err: ["Unknown option '--shade'. See 'npm run tenant -- help legacy'."],
    });
  });
});
