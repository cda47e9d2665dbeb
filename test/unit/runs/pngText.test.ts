import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import { encodePng, readPngText } from '../../../src/engine/png';

test('PNG text chunks round-trip, Latin-1 as tEXt and other text as UTF-8 iTXt', () => {
  const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
  const text = { parameters: 'a cat\nNegative prompt: dog\nSteps: 20, Seed: 1', note: 'crème', title: '猫の写真' };
  const png = encodePng(rgba, 3, 2, text);
  assert.deepEqual(readPngText(png), text);
  const decoded = decode(png);
  assert.equal(decoded.width, 3);
  assert.deepEqual(new Uint8Array(decoded.data), rgba);
  assert.equal(decoded.text.parameters, text.parameters, 'other readers see the tEXt chunk');
  assert.ok(Buffer.from(png).includes(Buffer.from('iTXttitle')));
});

test('invalid keywords are refused', () => {
  assert.throws(() => encodePng(new Uint8Array(4), 1, 1, { '': 'x' }), /keyword/);
});
