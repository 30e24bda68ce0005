/** A mistake in how a command was called: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

/**
 * The shape every tool CLI shares: parse (usage errors exit 2, no command prints the usage and
 * exits 0), then run the command and return its exit code.
 */
export async function runCli<C>(
  argv: readonly string[],
  usage: string,
  parse: (argv: readonly string[]) => C | undefined,
  run: (command: C) => Promise<number>,
): Promise<number> {
  let command: C | undefined;
  try {
    command = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (command === undefined) {
    console.log(usage);
    return 0;
  }
  return run(command);
}

/** Runs `main` when the file is the process's entry point, turning its result into the exit code. */
export function runAsScript(entry: NodeJS.Module, main: (argv: readonly string[]) => Promise<number>): void {
  if (require.main !== entry) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
