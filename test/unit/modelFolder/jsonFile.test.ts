// The one reader of the JSON files a user or a model folder names: what it refuses, and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile, readTextFile } from '../../../src/modelFolder/jsonFile';

const dir = mkdtempSync(join(tmpdir(), 'dl-json-file-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('a byte-order mark is read past; the text is otherwise as written', () => {
  assert.deepEqual(readJsonFile(file('bom.json', '\uFEFF{"a": [1]}'), 100, 2), { a: [1] });
  assert.equal(readTextFile(file('plain.txt', ' \uFEFFx'), 100), ' \uFEFFx', 'only a leading mark goes');
});

test('files that are missing, not regular, too large, too deep or not JSON are refused with their path', () => {
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.json'), /missing\.json does not exist$/],
    // A file where a folder of the path should be (ENOTDIR) is as missing.
    [join(file('plain.json', '{}'), 'x.json'), /plain\.json\/x\.json does not exist$/],
    [dir, /dl-json-file-\w+ is not a regular file$/],
    [fifo, /fifo\.json is not a regular file$/],
    ['/dev/zero', / \/dev\/zero is not a regular file$/],
    [file('big.json', `[${'0,'.repeat(60)}0]`), /big\.json is 123 bytes, more than 100$/],
    [file('deep.json', '{"a": [[{}]]}'), /deep\.json is nested more than 3 levels deep \(at offset 8\)$/],
    [file('nan.json', '{"a": NaN}'), /nan\.json is not valid JSON: Unexpected token/],
  ];
  for (const [path, message] of cases) assert.throws(() => readJsonFile(path, 100, 3), message, path);
});
