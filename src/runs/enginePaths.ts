// Where the engine entry and the shipped default model are, for Node front ends (CLI, tests,
// benches). Bundled code runs from dist/; source run through tsx runs the engine from source too.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root: the nearest folder above this file whose package.json names diffusion-lab. */
export function packageRoot(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'diffusion-lab')
      return dir;
  }
  throw new Error(`no diffusion-lab package.json above ${__dirname}`);
}

/** The engine entry to fork: dist/engine.js when bundled, src/engine/engineMain.ts (via tsx) from source. */
export function engineEntry(): { enginePath: string; execArgv: string[] } {
  if (__filename.endsWith('.ts'))
    return { enginePath: join(__dirname, '..', 'engine', 'engineMain.ts'), execArgv: ['--import', 'tsx'] };
  return { enginePath: join(__dirname, 'engine.js'), execArgv: [] };
}

/** The model used when none is given (trained by training/, shipped in models/). `root`: the
 * package's folder (the extension knows it as its extensionUri). */
export function defaultModelDir(root = packageRoot()): string {
  return join(root, 'models', 'tiny-shapes');
}
