import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OutputWriteError } from '../../../src/runs/writeFileSafely';
import { writeNewFile } from '../../../src/runs/writeNewFile';

const bytes = (s: string) => new TextEncoder().encode(s);

test('never overwrites: a taken name gets -2, -3, and the old file keeps its bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-out-'));
  writeFileSync(join(dir, 'run.png'), 'the user made this');
  const second = await writeNewFile(dir, 'run', '.png', bytes('new one'));
  const third = await writeNewFile(dir, 'run', '.png', bytes('newer one'));
  assert.equal(second, join(dir, 'run-2.png'));
  assert.equal(third, join(dir, 'run-3.png'));
  assert.equal(readFileSync(join(dir, 'run.png'), 'utf8'), 'the user made this');
  assert.equal(readFileSync(third, 'utf8'), 'newer one');
  // No temporary file is left beside them.
  assert.deepEqual(readdirSync(dir).sort(), ['run-2.png', 'run-3.png', 'run.png']);
});

test('creates a missing output folder', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'dl-out-')), 'a', 'b');
  const path = await writeNewFile(dir, 'x', '.json', bytes('{}'));
  assert.equal(readFileSync(path, 'utf8'), '{}');
});

test('concurrent writers of one name each get their own file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-out-'));
  const paths = await Promise.all(
    Array.from({ length: 8 }, (_, i) => writeNewFile(dir, 'same', '.png', bytes(`w${i}`))),
  );
  assert.equal(new Set(paths).size, 8);
  assert.equal(readdirSync(dir).length, 8);
});

test('a path through a file fails with a clear error and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-out-'));
  writeFileSync(join(dir, 'file'), 'x');
  await assert.rejects(writeNewFile(join(dir, 'file', 'sub'), 'run', '.png', bytes('data')), (error: unknown) => {
    assert.ok(error instanceof OutputWriteError);
    assert.equal(error.code, 'ENOTDIR');
    assert.match(error.message, /runs through a file: could not write .*run\.png/);
    return true;
  });
  assert.deepEqual(readdirSync(dir), ['file']);
});

// A full disk and a read-only folder need real file systems of that kind: a 16 KiB tmpfs and a
// read-only tmpfs, mounted in a private mount namespace (unshare), where one is allowed.
const child = `
const mod = await import(${JSON.stringify(resolve('src/runs/writeNewFile.ts'))});
const { writeNewFile } = mod.default ?? mod;
const { readdirSync } = await import('node:fs');
const out = {};
for (const [name, dir, size] of [['full', process.argv[1], 64 * 1024], ['readonly', process.argv[2], 10]]) {
  try { await writeNewFile(dir, 'run', '.png', new Uint8Array(size)); out[name] = { ok: true }; }
  catch (e) { out[name] = { code: e.code, message: e.message, left: readdirSync(dir) }; }
}
console.log(JSON.stringify(out));`;

test('a full disk or a read-only folder is reported by name and leaves no partial file', (t) => {
  const script = `set -e; d=$(mktemp -d); mkdir $d/full $d/ro
mount -t tmpfs -o size=16k tmpfs $d/full; mount -t tmpfs -o ro,size=16k tmpfs $d/ro
exec "${process.execPath}" --import tsx --input-type=module -e "$CHILD" $d/full $d/ro`;
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
    env: { ...process.env, CHILD: child },
    encoding: 'utf8',
  });
  if (r.status !== 0 && /unshare|mount|Operation not permitted/.test(r.stderr)) {
    t.skip(`private mounts not allowed here: ${r.stderr.trim().split('\n')[0]}`);
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  assert.equal(out.full.code, 'ENOSPC');
  assert.match(out.full.message, /^The disk is full: could not write .*run\.png$/);
  assert.deepEqual(out.full.left, []);
  assert.equal(out.readonly.code, 'EROFS');
  assert.match(out.readonly.message, /read-only/);
  assert.deepEqual(out.readonly.left, []);
});

test('a stem as long as a file name may be is written: the temporary name is no longer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-out-'));
  const stem = 'n'.repeat(251);
  assert.equal(await writeNewFile(dir, stem, '.png', bytes('data')), join(dir, `${stem}.png`));
  assert.deepEqual(readdirSync(dir), [`${stem}.png`]);
});
