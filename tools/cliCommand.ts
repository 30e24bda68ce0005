import type { AppServices } from "../src/app/composition";

/**
 * What went wrong, by what the operator does about it. Each class has its own exit code, so a
 * script can tell "fix the command" from "start the connector" from "ask for a role".
 */
export const EXIT_CODES = {
  internal: 1,
  usage: 2,
  notFound: 3,
  refused: 4,
  noConnector: 5,
  unreachable: 6,
  permission: 7,
  login: 8,
} as const;

export const ERROR_CLASS_MEANINGS: Readonly<Record<keyof typeof EXIT_CODES, string>> = {
  internal: "a fault of the CLI or an error it does not know (run again with --verbose)",
  usage: "the command, an argument, an option or a setting is wrong",
  notFound: "the tenant, token, client or attribute named does not exist",
  refused: "understood, but refused in the current state (e.g. the tenant exists already)",
  noConnector: "no storage to work on: no running local connector (or a stale record of one), no settings",
  unreachable: "storage or Key Vault did not answer (address, service down, network)",
  permission: "your Azure identity lacks a role on storage or Key Vault (the message names it)",
  login: "no Azure sign-in to get a token with (az login)",
};

export type ErrorClass = keyof typeof EXIT_CODES;

/** An error the CLI reports as one line: what happened, then what to do about it. */
export class CliError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }

  get exitCode(): number {
    return EXIT_CODES[this.errorClass];
  }

  /** The one line printed (without --json). */
  get line(): string {
    return this.fix === "" ? this.message : `${this.message} ${this.fix}`;
  }

  /** The object printed with --json. */
  toJSON(): { error: { class: ErrorClass; exitCode: number; message: string; fix: string } } {
    return {
      error: { class: this.errorClass, exitCode: this.exitCode, message: this.message, fix: this.fix },
    };
  }
}

export function usageError(message: string, command?: string): CliError {
  const help = command === undefined ? "npm run tenant -- help" : `npm run tenant -- help ${command}`;
  return new CliError("usage", message, `See '${help}'.`);
}

type OptionType = "string" | "boolean";

export interface OptionSpec {
  readonly type: OptionType;
}

/** The words and options after the command word, parsed against the command's declared options. */
export class CommandArgs {
  constructor(
    readonly command: string,
    readonly positionals: readonly string[],
    private readonly values: Readonly<Record<string, string | boolean | undefined>>,
    /** Everything after the command word, as typed. */
    readonly raw: readonly string[] = [],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === "string" ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** The positional at `index`, or a usage error naming what is missing. */
  required(index: number, what: string): string {
    const value = this.positionals[index];
    if (value === undefined) throw usageError(`'${this.command}' needs ${what}.`, this.command);
    return value;
  }

  /** A numeric option, the fallback when absent; a usage error when it is not a number. */
  number(name: string, fallback: number): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      throw usageError(`--${name} must be a number, not '${text}'.`, this.command);
    return value;
  }
}

/** What a command works with; everything is resolved on first use (help and admin-token need none). */
export interface CliContext {
  /** The connector's services over the configured storage (or the running local connector's). */
  services(): Promise<AppServices>;
  /** The SCIM base URL Tenant URLs start with (no trailing slash). */
  scimBaseUrl(): Promise<string>;
  /** AppServices of a tenant that must exist: a notFound error otherwise. */
  tenantServices(tenantId: string): Promise<AppServices>;
}

/** A command's answer: the data (printed as JSON with --json) and the text printed otherwise. */
export interface CommandResult {
  readonly data: unknown;
  readonly text: string;
}

/**
 * One word of the tenant CLI (`create`, `client`, `webhook`, …) in a module of its own. The shared
 * runner parses the options it declares (plus --json, --verbose, --url, --help), prints the result
 * or the error, and sets the exit code.
 */
export interface CliCommand {
  readonly name: string;
  /** One line for the command overview. */
  readonly summary: string;
  /** The full help of `npm run tenant -- help <name>`. */
  readonly usage: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** The command parses its own arguments (args.raw): the runner checks no option of it. */
  readonly parsesOwnArguments?: boolean;
  run(args: CommandArgs, context: CliContext): Promise<CommandResult>;
}

export function result(data: unknown, text: string): CommandResult {
  return { data, text };
}

/**
 * A command written as `(argv, context) => text` with its own option parsing, which prints JSON text
 * when given --json: wrapped so the runner still owns help, errors and exit codes.
 */
export function textCommand(spec: {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[], context: CliContext): Promise<string>;
}): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    parsesOwnArguments: true,
    async run(args, context) {
      const text = await spec.run(args.raw, context);
      return result(args.flag("json") ? (JSON.parse(text) as unknown) : text, text);
    },
  };
}
