// Entry of the CLI bundle (dist/cli.js, run by bin/diffusion-lab.js). A command that runs the engine starts
// its process before the rest of the CLI is loaded: the engine's Node start, onnxruntime and the model's
// sessions then overlap loading the CLI's modules and checking its flags (about 25 ms of a cold image).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INDEX_FILE } from '../runs/sweepFolder';
import { cliEngine } from './cliEngine';
import { HELP_FLAGS } from './usageError';

/** Commands whose every successful run needs the engine. */
const ENGINE_COMMANDS = ['generate', 'invert'];

/** A sweep into a folder that holds no index yet: its cells will run. A folder with one may hold them all,
 * and a re-run that finds every cell starts no engine. */
export function sweepWillRun(args: string[]): boolean {
  const options = { out: { type: 'string' }, merge: { type: 'boolean' } } as const;
  const { values } = parseArgs({ args, options, strict: false, allowPositionals: true });
  return typeof values.out === 'string' && !values.merge && !existsSync(join(values.out, INDEX_FILE));
}

/** Runs the command line of this process and exits with its status. */
export function run(argv = process.argv.slice(2)): void {
  // --verbose is read again with the other flags; a command it does not parse as a flag fails before any run.
  const [command, ...rest] = argv;
  const runs = ENGINE_COMMANDS.includes(command) || (command === 'sweep' && sweepWillRun(rest));
  const needed = runs && !argv.some((a) => HELP_FLAGS.includes(a));
  const engine = needed ? cliEngine(argv.includes('--verbose')) : undefined;
  engine?.warmUp();
  // A dynamic import of bundled code: esbuild evaluates main's modules only here, after the fork.
  void import('./main').then(({ runCommand }) => runCommand(argv, engine));
}

if (require.main === module) run();
