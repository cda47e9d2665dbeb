// A failure that is the user's to fix (bad flags, bad input files): the CLI exits 2 and shows usage.

export class UsageError extends Error {}

/** Runs a check whose failure is the user's to fix, as a usage error (exit 2). */
export function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Flags that ask for the usage, anywhere on the command line. */
export const HELP_FLAGS = ['--help', '-h'];
