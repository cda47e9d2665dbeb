import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_FORWARD_EXPORT_BYTES, parseForwardMessage } from '../../../src/protocol/forward';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

test('the host accepts ready and a PNG export from the forward view', () => {
  assert.deepEqual(parseForwardMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseForwardMessage({ type: 'export', fileName: 'a.png', bytes: png, extra: 1 }), {
    type: 'export',
    fileName: 'a.png',
    bytes: png,
  });
});

test('the host refuses malformed messages and exports that are not PNG files, saying why', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    ['ready', /not an object/],
    [{ type: 'delete', path: '/etc' }, /unknown message type "delete"/],
    [{ type: 'export', bytes: png }, /without a file name/],
    [{ type: 'export', fileName: 'a.png', bytes: [...png] }, /without bytes/],
    [{ type: 'export', fileName: 'a.png', bytes: new TextEncoder().encode('GIF89a not a png') }, /not a PNG/],
    [{ type: 'export', fileName: 'a.png', bytes: png.slice(0, 8) }, /not a PNG/],
  ];
  for (const [message, why] of cases) {
    const result = parseForwardMessage(message);
    assert.equal(typeof result, 'string', JSON.stringify(message));
    assert.match(result as string, why);
  }
  const huge = { type: 'export', fileName: 'a.png', bytes: { length: MAX_FORWARD_EXPORT_BYTES + 1 } };
  Object.setPrototypeOf(huge.bytes, Uint8Array.prototype);
  assert.match(parseForwardMessage(huge) as string, /too large/);
});
