// Entry of the CLI bundle (dist/cli.js, run by bin/diffusion-lab.js). A command that runs the engine starts
// its process before the rest of the CLI is loaded: the engine's Node start, onnxruntime and the model's
// sessions then overlap loading the CLI's modules and checking its flags (about 25 ms of a cold image).
import { cliEngine } from './cliEngine';

/** Commands whose every successful run needs the engine (a sweep starts it only for cells not yet cached). */
const ENGINE_COMMANDS = ['generate', 'invert'];

/** Runs the command line of this process and exits with its status. */
export function run(argv = process.argv.slice(2)): void {
  // --verbose is read again with the other flags; a command it does not parse as a flag fails before any run.
  const engine = ENGINE_COMMANDS.includes(argv[0]) ? cliEngine(argv.includes('--verbose')) : undefined;
  engine?.warmUp();
  // A dynamic import of bundled code: esbuild evaluates main's modules only here, after the fork.
  void import('./main').then(({ runCommand }) => runCommand(argv, engine));
}

if (require.main === module) run();
