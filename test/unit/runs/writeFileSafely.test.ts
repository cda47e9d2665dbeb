import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputWriteError, writeFileSafely } from '../../../src/runs/writeFileSafely';

const bytes = (s: string) => new TextEncoder().encode(s);

test('a name of the longest length a file system takes is written: the temporary name is no longer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-safe-'));
  const name = `${'n'.repeat(251)}.png`;
  writeFileSafely(join(dir, name), bytes('image'), false);
  assert.equal(readFileSync(join(dir, name), 'utf8'), 'image');
  assert.deepEqual(readdirSync(dir), [name], 'no temporary file is left');
});

test('an existing file is kept without force and replaced with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-safe-'));
  const path = join(dir, 'a.png');
  writeFileSync(path, 'the user made this');
  assert.throws(() => writeFileSafely(path, bytes('new'), false), /a\.png already exists \(use --force to replace\)/);
  assert.equal(readFileSync(path, 'utf8'), 'the user made this');
  writeFileSafely(path, bytes('new'), true);
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['a.png']);
});

test('a failed write names the target, not the temporary file, and leaves nothing behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-safe-'));
  mkdirSync(join(dir, 'taken.png'));
  writeFileSync(join(dir, 'file'), 'x');
  for (const [path, code, message] of [
    [join(dir, 'taken.png'), 'EISDIR', /^A folder has the output file name: could not write .*taken\.png$/],
    [join(dir, 'file', 'a.png'), 'EEXIST', /^The output folder path runs through a file: could not write .*a\.png$/],
    [
      join(dir, 'file', 'b', 'a.png'),
      'ENOTDIR',
      /^The output folder path runs through a file: could not write .*a\.png$/,
    ],
  ] as const) {
    assert.throws(
      () => writeFileSafely(path, bytes('data'), true),
      (err: unknown) => err instanceof OutputWriteError && err.code === code && message.test(err.message),
    );
  }
  assert.deepEqual(readdirSync(dir).sort(), ['file', 'taken.png']);
  assert.deepEqual(readdirSync(join(dir, 'taken.png')), []);
});
