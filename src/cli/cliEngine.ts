// The CLI's engine client: the engine's log lines go to stderr, all of them with --verbose, errors only without.
import { EngineClient } from '../runs/engineClient';
import { engineEntry } from '../runs/enginePaths';

export function cliEngine(verbose = false): EngineClient {
  const log = (level: string, m: string) => (verbose || level === 'error') && process.stderr.write(`engine: ${m}\n`);
  return new EngineClient({ ...engineEntry(), log });
}
