// Image files to 8-bit RGBA (src/runs/decodeImage.ts): every PNG colour type and depth and JPEG, the size
// a header declares read and checked before decoding, and the last images kept by content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { decodeImage, ImageTooLarge } from '../../../src/runs/decodeImage';
import { imageSize } from '../../../src/runs/imageHeader';

const pixel = (img: { rgba: Uint8Array }, i: number) => [...img.rgba.subarray(i * 4, i * 4 + 4)];
const kept = (bytes: Uint8Array, maxSide = 4096) => decodeImage(bytes, maxSide, { keep: true });

test('PNG grey, grey+alpha, RGB, 16-bit, palette and 1-bit images become RGBA', async () => {
  const grey = await decodeImage(
    encodePng({ width: 2, height: 1, data: Uint8Array.of(10, 200), channels: 1, depth: 8 }),
    4096,
  );
  assert.deepEqual(
    [pixel(grey, 0), pixel(grey, 1)],
    [
      [10, 10, 10, 255],
      [200, 200, 200, 255],
    ],
  );
  const greyAlpha = await decodeImage(
    encodePng({ width: 1, height: 1, data: Uint8Array.of(90, 30), channels: 2, depth: 8 }),
    4096,
  );
  assert.deepEqual(pixel(greyAlpha, 0), [90, 90, 90, 30]);
  const rgb = await decodeImage(
    encodePng({ width: 1, height: 1, data: Uint8Array.of(1, 2, 3), channels: 3, depth: 8 }),
    4096,
  );
  assert.deepEqual(pixel(rgb, 0), [1, 2, 3, 255]);
  const samples16 = Uint16Array.of(0x1234, 0xfff0, 0x0080, 0x8000);
  const deep = await decodeImage(encodePng({ width: 1, height: 1, data: samples16, channels: 4, depth: 16 }), 4096);
  assert.deepEqual(pixel(deep, 0), [0x12, 0xff, 0x00, 0x80], 'the high byte of each 16-bit sample');
  const colours = [
    [9, 8, 7],
    [250, 128, 3],
  ];
  const indexed = Uint8Array.of(1, 0);
  const palette = await decodeImage(
    encodePng({ width: 2, height: 1, data: indexed, channels: 1, palette: colours }),
    4096,
  );
  assert.deepEqual(
    [pixel(palette, 0), pixel(palette, 1)],
    [
      [250, 128, 3, 255],
      [9, 8, 7, 255],
    ],
  );
  // 1-bit grey, 10 wide: two bytes a row (0b10110000 0b01000000), rows byte-aligned.
  const packed = Uint8Array.of(0xb0, 0x40, 0xff, 0xc0);
  const bits = await decodeImage(encodePng({ width: 10, height: 2, data: packed, channels: 1, depth: 1 }), 4096);
  const row = (y: number) => Array.from({ length: 10 }, (_, x) => bits.rgba[(y * 10 + x) * 4]);
  assert.deepEqual(row(0), [255, 0, 255, 255, 0, 0, 0, 0, 0, 255]);
  assert.deepEqual(row(1), Array(10).fill(255));
});

test('JPEG is decoded by jpeg-js', async () => {
  const rgba = new Uint8Array(16 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? 200 : 40));
  const jpeg = encodeJpeg({ width: 16, height: 8, data: rgba }, 100).data;
  const img = await decodeImage(jpeg, 4096);
  assert.deepEqual([img.width, img.height], [16, 8]);
  for (let i = 0; i < 16 * 8; i++) {
    assert.ok(Math.abs(img.rgba[i * 4] - 200) <= 3 && Math.abs(img.rgba[i * 4 + 1] - 40) <= 3, `pixel ${i}`);
  }
});

/** A PNG of one colour that claims side×side RGBA pixels in a few kilobytes (one IDAT, rows of zeros), or
 * with `data` as its IDAT. */
function flatPng(side: number, data?: Uint8Array): Uint8Array {
  const row = new Uint8Array(1 + side * 4);
  const rows = Array.from({ length: side }, () => row);
  data ??= deflateSync(Buffer.concat(rows), { level: 9 });
  const chunk = (type: string, body: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

test('an image larger than the limit is refused from its header, before any decoding', async () => {
  // 12000² RGBA claims 576 MB. Its data is not deflate at all, so decoding would fail otherwise: the refusal
  // says the header was read first.
  const bomb = flatPng(12000, Buffer.from('not deflate data'));
  assert.deepEqual(imageSize(bomb), { width: 12000, height: 12000 });
  await assert.rejects(
    () => decodeImage(bomb, 4096),
    (e: Error) => e instanceof ImageTooLarge && /12000x12000 is larger than 4096 on a side/.test(e.message),
  );
  // At the limit it decodes.
  const atLimit = await decodeImage(flatPng(64), 64);
  assert.deepEqual([atLimit.width, atLimit.height], [64, 64]);
});

test('a PNG whose header gives no pixels is refused saying so', async () => {
  await assert.rejects(() => decodeImage(flatPng(0), 4096), /its header gives a size of 0x0: no pixels/);
});

test("a JPEG's size is read from its frame header, past the segments before it", async () => {
  const rgba = new Uint8Array(40 * 24 * 4).fill(255);
  // jpeg-js writes APP0, DQT, SOF0, DHT, SOS: the frame header is not the first segment.
  const jpeg = encodeJpeg({ width: 40, height: 24, data: rgba }, 90).data;
  assert.deepEqual(imageSize(jpeg), { width: 40, height: 24 });
  await assert.rejects(() => decodeImage(jpeg, 32), /40x24 is larger than 32 on a side/);
  assert.equal((await decodeImage(jpeg, 40)).width, 40);
  // A header cut short, or no frame before the scan, gives no size: the decoder then says what is wrong.
  assert.equal(imageSize(jpeg.subarray(0, 12)), undefined);
  assert.equal(imageSize(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2, 0, 0, 0, 0, 0)), undefined);
  assert.equal(imageSize(new TextEncoder().encode('hello')), undefined);
});

test('an image decoded moments ago is not decoded again: the two most recent, by content', async () => {
  const image = (v: number) => encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(v), channels: 3 });
  const [a, b, c] = [image(1), image(2), image(3)];
  const first = await kept(a);
  assert.equal(await kept(Uint8Array.from(a)), first, 'the same bytes give the pixels kept');
  const bFirst = await kept(b);
  assert.equal(pixel(bFirst, 0)[0], 2);
  assert.equal(await kept(a), first, 'still kept beside a second image');
  // Kept now: b, then a (the most recent). c takes b's place.
  await kept(c);
  assert.equal(await kept(a), first, 'the most recent stays');
  const bAgain = await kept(b);
  assert.notEqual(bAgain, bFirst, 'the least recent was let go, and is decoded again');
  assert.deepEqual(bAgain, bFirst);
  // The limit is part of the key: the same bytes under a smaller limit are refused.
  await assert.rejects(() => kept(a, 1), ImageTooLarge);
});

test('the images kept are let go after five minutes unused', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const bytes = encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(77), channels: 3 });
  const first = await kept(bytes);
  t.mock.timers.tick(4 * 60_000);
  assert.equal(await kept(bytes), first, 'kept within the five minutes, which start again');
  t.mock.timers.tick(4 * 60_000);
  assert.equal(await kept(bytes), first, 'still kept: used four minutes ago');
  t.mock.timers.tick(5 * 60_000);
  const later = await kept(bytes);
  assert.notEqual(later, first, 'decoded again after five minutes unused');
  assert.deepEqual(later, first);
});

test('an image not asked to be kept is decoded afresh each time', async () => {
  const bytes = encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(5), channels: 3 });
  const first = await decodeImage(bytes, 4096);
  const second = await decodeImage(bytes, 4096);
  assert.notEqual(second, first);
  assert.deepEqual(second, first);
});

test("decoding runs off the caller's thread: its event loop turns while a large image decodes", async () => {
  // 3000² RGBA: hundreds of milliseconds of inflating and converting.
  const large = flatPng(3000);
  let decoded = false;
  const decoding = decodeImage(large, 4096).then((image) => {
    decoded = true;
    return image;
  });
  await new Promise((turned) => setImmediate(turned));
  assert.equal(decoded, false, 'the loop turned before the image was decoded');
  const image = await decoding;
  assert.deepEqual([image.width, image.height, pixel(image, 0)], [3000, 3000, [0, 0, 0, 0]]);
});

test('fitSide: the image comes back downsized, with the size it was decoded at', async () => {
  const wide = encodePng({ width: 8, height: 2, data: new Uint8Array(8 * 2 * 3).fill(60), channels: 3 });
  const fitted = await decodeImage(wide, 4096, { fitSide: 4 });
  assert.deepEqual([fitted.width, fitted.height, fitted.original], [4, 1, { width: 8, height: 2 }]);
  assert.deepEqual(pixel(fitted, 3), [60, 60, 60, 255]);
  const small = await decodeImage(wide, 4096, { fitSide: 8 });
  assert.deepEqual([small.width, small.original], [8, undefined], 'an image that fits is not resized');
});

test("the caller's bytes stay whole: a Buffer read from a file, a view into a larger buffer", async () => {
  const png = encodePng({ width: 1, height: 1, data: Uint8Array.of(4, 5, 6), channels: 3 });
  const pooled = Buffer.from(png); // small Buffers share Node's pool
  const inside = new Uint8Array(png.length + 10);
  inside.set(png, 5);
  const view = inside.subarray(5, 5 + png.length);
  for (const bytes of [pooled, view]) {
    assert.deepEqual(pixel(await decodeImage(bytes, 4096), 0), [4, 5, 6, 255]);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'still readable');
  }
});

test("the decoder's errors reach the caller as messages; a bad file leaves the decoder working", async () => {
  await assert.rejects(() => decodeImage(new TextEncoder().encode('hello'), 4096), /^Error: not a PNG or JPEG file$/);
  const png = encodePng({ width: 4, height: 4, data: new Uint8Array(48).fill(9), channels: 3 });
  await assert.rejects(() => decodeImage(png.subarray(0, png.length - 20), 4096), /the PNG is cut short or damaged/);
  assert.deepEqual(pixel(await decodeImage(png, 4096), 0), [9, 9, 9, 255]);
});

/** The PNG without its chunks of type `type`. */
function withoutChunk(png: Uint8Array, type: string): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const kept = [png.subarray(0, 8)];
  for (let at = 8; at < png.length;) {
    const end = at + 12 + view.getUint32(at);
    if (new TextDecoder().decode(png.subarray(at + 4, at + 8)) !== type) kept.push(png.subarray(at, end));
    at = end;
  }
  return Uint8Array.from(kept.flatMap((part) => [...part]));
}

test('an indexed-colour PNG without its palette, or with a pixel past its end, is refused saying so', async () => {
  const colours = [
    [9, 8, 7],
    [250, 128, 3],
  ];
  const png = encodePng({ width: 2, height: 1, data: Uint8Array.of(1, 0), channels: 1, palette: colours });
  assert.deepEqual(pixel(await decodeImage(png, 4096), 0), [250, 128, 3, 255], 'whole, it decodes');
  await assert.rejects(
    () => decodeImage(withoutChunk(png, 'PLTE'), 4096),
    /^Error: the PNG has indexed colours but no palette \(PLTE chunk\)$/,
  );
  const past = encodePng({ width: 2, height: 1, data: Uint8Array.of(1, 5), channels: 1, palette: colours });
  await assert.rejects(
    () => decodeImage(past, 4096),
    /^Error: a pixel of the PNG names a colour past the end of its 2-entry palette$/,
  );
});

test('after the decoding thread stops for being idle, the next image starts another', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const png = encodePng({ width: 1, height: 1, data: Uint8Array.of(1, 2, 3), channels: 3 });
  assert.deepEqual(pixel(await decodeImage(png, 4096), 0), [1, 2, 3, 255]);
  t.mock.timers.tick(30_000);
  assert.deepEqual(pixel(await decodeImage(png, 4096), 0), [1, 2, 3, 255]);
});
