import { inspect, parseArgs } from "node:util";
import {
  CliError,
  CommandArgs,
  ERROR_CLASS_MEANINGS,
  EXIT_CODES,
  usageError,
  type ErrorClass,
  type CliCommand,
  type CliContext,
  type CommandResult,
  type OptionSpec,
} from "./cliCommand";
import { toCliError } from "./cliErrors";

/** Options every command accepts. */
const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean" },
  url: { type: "string" },
};

export interface CliProgram {
  /** How the program is called, e.g. `npm run tenant --`. */
  readonly invocation: string;
  readonly commands: readonly CliCommand[];
  /** Printed after the command overview: options, settings, exit codes. */
  readonly footer: string;
}

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export type ContextFactory = (options: { url?: string }) => CliContext & { readonly keyVaultUri?: string };

const consoleOutput: CliOutput = {
  out: (text) => {
    process.stdout.write(`${text}\n`);
  },
  err: (text) => {
    process.stderr.write(`${text}\n`);
  },
};

export function exitCodeTable(): string {
  return Object.entries(EXIT_CODES)
    .map(([name, code]) => `  ${code}  ${name.padEnd(13)}${ERROR_CLASS_MEANINGS[name as ErrorClass]}`)
    .join("\n");
}

function overview(program: CliProgram): string {
  const width = Math.max(...program.commands.map((command) => command.name.length)) + 2;
  const lines = program.commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    `Usage: ${program.invocation} <command> [options]    (help <command> for one command)`,
    "",
    "Commands:",
    ...lines,
    "",
    program.footer,
  ].join("\n");
}

/** The command word: the first argument that is neither an option nor the value of --url. */
function commandIndex(argv: readonly string[]): number {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--url") index += 1;
    else if (!arg.startsWith("-")) return index;
  }
  return -1;
}

/** Option mistakes throw node:util's ERR_PARSE_ARGS_* errors, which toCliError reports as usage. */
function parse(command: CliCommand, argv: readonly string[]): CommandArgs {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  const strict = command.parsesOwnArguments !== true;
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict });
  return new CommandArgs(command.name, positionals, values, argv);
}

function help(program: CliProgram, topic: string | undefined): CommandResult {
  if (topic === undefined) {
    const text = overview(program);
    return { data: { commands: program.commands.map(({ name, summary }) => ({ name, summary })) }, text };
  }
  const command = program.commands.find((candidate) => candidate.name === topic);
  if (command === undefined) throw usageError(`Unknown command '${topic}'.`);
  return {
    data: { name: command.name, summary: command.summary, usage: command.usage },
    text: command.usage,
  };
}

async function dispatch(
  program: CliProgram,
  argv: readonly string[],
  makeContext: ContextFactory,
  setting: { command?: string; keyVaultUri?: string | undefined },
): Promise<CommandResult> {
  const index = commandIndex(argv);
  const word = argv[index];
  const rest = argv.filter((_, position) => position !== index);
  if (word === undefined) return help(program, undefined);
  if (word === "help")
    return help(
      program,
      rest.find((arg) => !arg.startsWith("-")),
    );
  const command = program.commands.find((candidate) => candidate.name === word);
  if (command === undefined) throw usageError(`Unknown command '${word}'.`);
  setting.command = command.name;
  const args = parse(command, rest);
  if (args.flag("help")) return help(program, command.name);
  const context = makeContext(args.string("url") === undefined ? {} : { url: args.string("url") });
  setting.keyVaultUri = context.keyVaultUri;
  return command.run(args, context);
}

/**
 * Runs one command line: the result on stdout (JSON with --json); an error as one line on stderr
 * (a JSON object with --json; the underlying SDK error and stack only with --verbose). Returns the
 * exit code of the error's class, 0 on success.
 */
export async function runProgram(
  program: CliProgram,
  argv: readonly string[],
  makeContext: ContextFactory,
  output: CliOutput = consoleOutput,
): Promise<number> {
  const json = argv.includes("--json");
  const verbose = argv.includes("--verbose");
  const setting: { command?: string; keyVaultUri?: string | undefined } = {};
  try {
    const { data, text } = await dispatch(program, argv, makeContext, setting);
    output.out(json ? JSON.stringify(data) : text);
    return 0;
  } catch (caught) {
    const error: CliError = toCliError(caught, {
      ...(setting.command === undefined ? {} : { command: setting.command }),
      ...(setting.keyVaultUri === undefined ? {} : { keyVaultUri: setting.keyVaultUri }),
    });
    output.err(json ? JSON.stringify(error) : error.line);
    if (verbose && error.cause !== undefined) output.err(inspect(error.cause, { depth: 6 }));
    return error.exitCode;
  }
}
