// The engine process's entry (engineStart.ts): the engine bundle loaded through a V8 code cache that the first
// image saves, that later processes read without rewriting it, that is rebuilt when it is unusable, and that
// another build of the bundle never reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { EngineClient } from '../../../src/runs/engineClient';
import { request } from './fixtures';

const ROOT = join(__dirname, '..', '..', '..');

/** dist/engine.js and dist/engineMain.js as scripts/build.mjs makes them, in a folder of their own. */
async function bundles(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dl-engine-bundle-'));
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['onnxruntime-node'],
    logLevel: 'silent',
  };
  await build({ ...common, entryPoints: [join(ROOT, 'src/engine/engineStart.ts')], outfile: join(dir, 'engine.js') });
  await build({
    ...common,
    entryPoints: [join(ROOT, 'src/engine/engineMain.ts')],
    outfile: join(dir, 'engineMain.js'),
  });
  return dir;
}

async function generate(dir: string, cache: string): Promise<Uint8Array> {
  // NODE_PATH: the bundles lie outside the package, and onnxruntime-node stays external.
  const env = { DIFFUSION_LAB_ORT_CACHE: cache, NODE_PATH: join(ROOT, 'node_modules') };
  const engine = new EngineClient({ enginePath: join(dir, 'engine.js'), env });
  try {
    return (await engine.generate(request({ steps: 2 }))).images[0].rgba;
  } finally {
    engine.dispose();
  }
}

function codeCaches(cache: string): { path: string; mtimeMs: number; size: number }[] {
  return readdirSync(cache)
    .filter((f) => f.endsWith('.v8'))
    .map((f) => join(cache, f))
    .map((path) => ({ path, mtimeMs: statSync(path).mtimeMs, size: statSync(path).size }));
}

test('the first image saves a code cache, later engines use it as it is, and an unusable one is rebuilt', async () => {
  const dir = await bundles();
  const cache = mkdtempSync(join(tmpdir(), 'dl-engine-cache-'));
  const first = await generate(dir, cache);
  const [saved, ...more] = codeCaches(cache);
  assert.ok(saved && saved.size > 10_000, 'a code cache beside the graphs');
  assert.deepEqual(more, []);

  assert.deepEqual(await generate(dir, cache), first);
  assert.deepEqual(codeCaches(cache), [saved], 'accepted, so not written again');

  writeFileSync(saved.path, 'not a code cache');
  assert.deepEqual(await generate(dir, cache), first);
  const [rebuilt] = codeCaches(cache);
  assert.ok(rebuilt.size > 10_000, 'rejected by V8 and saved again');
});

test('another engine bundle of the same length gets a code cache of its own', async () => {
  const dir = await bundles();
  const cache = mkdtempSync(join(tmpdir(), 'dl-engine-cache-'));
  const first = await generate(dir, cache);
  // V8 would accept the first bundle's cache for this one (it checks the source's length), and run stale code.
  const bundle = join(dir, 'engineMain.js');
  const source = readFileSync(bundle, 'utf8');
  writeFileSync(bundle, source.replace('"use strict";', "'use strict';"));
  assert.equal(readFileSync(bundle, 'utf8').length, source.length);
  assert.deepEqual(await generate(dir, cache), first);
  assert.equal(codeCaches(cache).length, 2);
});
