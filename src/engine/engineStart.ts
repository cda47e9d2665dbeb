// Entry of the engine process (bundled to dist/engine.js, forked by EngineClient): loads the engine itself
// (dist/engineMain.js) through a V8 code cache kept in the engine's cache folder (graphCache.ts), so a new
// engine process skips compiling what an earlier one ran: the bundle's parse and every function the first
// request compiled (20–35 ms of CPU per cold start of the default model). Node 22 has this built in
// (module.enableCompileCache); Node 20, which VS Code 1.95's Electron runs, has not.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { graphCacheDir, removeQuietly } from '../modelFolder/cacheFolder';

const bundle = join(__dirname, 'engineMain.js');
const source = readFileSync(bundle, 'utf8');
// V8 checks a cache against its own version and flags and the source's length only, so the name holds a hash of
// the source: another build of the engine gets another file.
const key = createHash('sha256').update(source).update(process.versions.v8).update(process.arch).digest('hex');
const dir = graphCacheDir();
const cacheFile = dir && join(dir, `engine-${key.slice(0, 20)}.v8`);
const cachedData = cacheFile ? readQuietly(cacheFile) : undefined;
// The wrapper Node puts around a CommonJS module, on a line of its own that lineOffset hides from stack traces.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
  filename: bundle,
  lineOffset: -1,
  cachedData,
});
const engine = { exports: {} as { beforeFirstResult?: (hook: () => void) => void } };
(script.runInThisContext() as (...args: unknown[]) => void)(
  engine.exports,
  createRequire(bundle),
  engine,
  bundle,
  dirname(bundle),
);
// Saved once, just before the first image goes back: the functions its run needed are compiled by then.
if (cacheFile && (!cachedData || script.cachedDataRejected)) engine.exports.beforeFirstResult?.(() => save(cacheFile));

/** Written under a temporary name and renamed, so a concurrent engine never reads half a file. */
function save(file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
  } catch {
    removeQuietly(temporary); // a read-only cache folder: the next start compiles again
  }
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
