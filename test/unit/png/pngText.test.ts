import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from 'fast-png';
import { readPngText, withPngText } from '../../../src/png/pngText';

const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
const plain = encode({ width: 3, height: 2, data: rgba, channels: 4, depth: 8 });

/** Chunk types in file order. */
function chunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + view.getUint32(at))
    types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
  return types;
}

test('PNG text chunks round-trip, Latin-1 as tEXt and other text as UTF-8 iTXt', () => {
  const text = { parameters: 'a cat\nNegative prompt: dog\nSteps: 20, Seed: 1', note: 'crème', title: '猫の写真' };
  const png = withPngText(plain, text);
  assert.deepEqual(readPngText(png), text);
  const decoded = decode(png);
  assert.equal(decoded.width, 3);
  assert.deepEqual(new Uint8Array(decoded.data), rgba);
  assert.equal(decoded.text.parameters, text.parameters, 'other readers see the tEXt chunk');
  assert.ok(Buffer.from(png).includes(Buffer.from('iTXttitle')));
});

test('text chunks come before the pixels, where PIL and A1111 put them', () => {
  const types = chunkTypes(withPngText(plain, { parameters: 'x' }));
  assert.ok(types.indexOf('tEXt') < types.indexOf('IDAT'), types.join(' '));
  assert.equal(types.at(-1), 'IEND');
});

test('invalid keywords are refused', () => {
  assert.throws(() => withPngText(plain, { '': 'x' }), /keyword/);
  assert.throws(() => withPngText(new Uint8Array(8), { a: 'x' }), /not a PNG/);
});
