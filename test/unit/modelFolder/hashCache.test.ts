// The model hash kept across processes: a kept hash is read instead of hashing the weights again; a
// changed UNet, a damaged kept file or an unusable cache folder all end in the hash of the files as
// they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelHash, readModelFolder } from '../../../src/modelFolder/modelFolder';
import { cachedModelHash } from '../../../src/modelFolder/hashCache';
import { copyModel } from '../engine/fixtures';

const tempDir = () => mkdtempSync(join(tmpdir(), 'dl-hash-cache-'));
const keptFile = (cache: string) => join(cache, 'hashes', readdirSync(join(cache, 'hashes'))[0]);

test('the first start keeps the hash; a later one reads it rather than the weights', () => {
  const folder = readModelFolder(copyModel('tiny-sd'));
  const cache = tempDir();
  const hash = cachedModelHash(folder, cache);
  assert.equal(hash, modelHash(folder));
  assert.equal(readFileSync(keptFile(cache), 'utf8'), hash);
  // A kept value that is not the weights' hash comes back: it was read, not computed.
  const planted = 'f'.repeat(64);
  writeFileSync(keptFile(cache), planted);
  assert.equal(cachedModelHash(folder, cache), planted);
});

test('changed weights miss the kept hash', () => {
  const dir = copyModel('tiny-sd');
  const cache = tempDir();
  const before = cachedModelHash(readModelFolder(dir), cache);
  const weights = join(dir, 'unet', 'model.onnx');
  const bytes = readFileSync(weights);
  writeFileSync(weights, Buffer.concat([bytes, Buffer.from([0])]));
  const after = cachedModelHash(readModelFolder(dir), cache);
  assert.notEqual(after, before);
  assert.equal(after, modelHash(readModelFolder(dir)));
});

test('a damaged kept file or an unusable cache folder still gives the hash', () => {
  const folder = readModelFolder(copyModel('tiny-sd'));
  const cache = tempDir();
  const hash = cachedModelHash(folder, cache);
  writeFileSync(keptFile(cache), 'not a hash');
  assert.equal(cachedModelHash(folder, cache), hash);
  assert.equal(readFileSync(keptFile(cache), 'utf8'), hash, 'rewritten');
  const notAFolder = join(tempDir(), 'file');
  writeFileSync(notAFolder, '');
  assert.equal(cachedModelHash(folder, notAFolder), hash);
  assert.equal(cachedModelHash(folder, undefined), hash);
});
