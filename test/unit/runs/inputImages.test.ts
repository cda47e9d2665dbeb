// The host's reading of a run's input images: the pixels and the file's SHA-256 for the record, and errors
// that name the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { runSpec } from '../../../src/protocol/run';
import { readRunInputs, RunInputError } from '../../../src/runs/inputImages';

const dir = mkdtempSync(join(tmpdir(), 'dl-inputs-'));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test("a run's inputs are read with their SHA-256 and size; the mask must match the image", async () => {
  const png = encodePng({ width: 3, height: 2, data: new Uint8Array(3 * 2 * 3).fill(128), channels: 3, depth: 8 });
  const init = file('init.png', png);
  const white = new Uint8Array(6).fill(255);
  const mask = file('mask.png', encodePng({ width: 3, height: 2, data: white, channels: 1, depth: 8 }));
  const inputs = (await readRunInputs(runSpec({ modelDir: '/m', prompt: '', initImage: init, mask })))!;
  const sha256 = createHash('sha256').update(png).digest('hex');
  assert.deepEqual(inputs.files.initImage, { path: init, sha256, width: 3, height: 2 });
  assert.equal(inputs.images.mask?.rgba[0], 255);
  assert.equal(await readRunInputs(runSpec({ modelDir: '/m', prompt: '' })), undefined);

  const small = file('small.png', encodePng({ width: 2, height: 2, data: new Uint8Array(4), channels: 1, depth: 8 }));
  const spec = runSpec({ modelDir: '/m', prompt: '', initImage: init, mask: small });
  await assert.rejects(
    () => readRunInputs(spec),
    (e: RunInputError) => {
      assert.equal(e.field, 'mask');
      assert.match(e.message, /mask .*small\.png is 2x2 but the init image is 3x2/);
      return true;
    },
  );
});

test('unreadable, empty and non-image files are refused, naming the file', async () => {
  const png = encodePng({ width: 4, height: 4, data: new Uint8Array(48), channels: 3, depth: 8 });
  const truncatedPng = png.subarray(0, 40);
  // The compressed pixels overwritten past the zlib header (IDAT's data starts at byte 41).
  const damagedPng = Uint8Array.from(png).fill(0xff, 43, 49);
  // Its header then says 12000×12000: refused as it stands, without "cannot decode it".
  const hugePng = Uint8Array.from(png);
  new DataView(hugePng.buffer).setUint32(16, 12000);
  new DataView(hugePng.buffer).setUint32(20, 12000);
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.png'), /init image .*missing\.png does not exist$/],
    [file('empty.png', ''), /empty\.png is empty$/],
    [file('text.png', 'hello'), /text\.png: cannot decode it: not a PNG or JPEG file/],
    [file('cut.png', truncatedPng), /cut\.png: cannot decode it: the PNG is cut short or damaged \(Offset is outside/],
    [file('damaged.png', damagedPng), /damaged\.png: .* cut short or damaged \(Error while decompressing the data\)$/],
    [file('huge.png', hugePng), /init image .*huge\.png: 12000x12000 is larger than 4096 on a side$/],
    [dir, /init image .* is not a regular file$/],
  ];
  for (const [path, pattern] of cases) {
    await assert.rejects(
      () => readRunInputs(runSpec({ modelDir: '/m', prompt: '', initImage: path })),
      (e: RunInputError) => {
        assert.equal(e.field, 'initImage');
        assert.match(e.message, pattern);
        return true;
      },
    );
  }
});
