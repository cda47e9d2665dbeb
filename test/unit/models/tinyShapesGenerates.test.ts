// The default model draws what a caption says: the engine's pipeline (20 DDIM steps, the CLI's default
// guidance) on fixed seeds, judged by the mean colour of the centre and of the corners.
import { runSpec } from '../../../src/protocol/run';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import type { GenerateResult, StepEvent } from '../../../src/protocol/engine';
import { startEngine } from '../engine/fixtures';

const engine = startEngine();
after(() => engine.dispose());

const generate = (prompt: string, seed = 1): Promise<GenerateResult> =>
  engine.generate({ spec: runSpec({ modelDir: defaultModelDir(), prompt, seed, steps: 20, guidanceScale: 7.5 }), options: { provider: 'cpu' } });

/** Mean RGB over the pixels of a 64x64 RGBA image whose (x, y) pass `where`. */
function meanRgb(rgba: Uint8Array, where: (x: number, y: number) => boolean): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      if (!where(x, y)) continue;
      for (let c = 0; c < 3; c++) sum[c] += rgba[(y * 64 + x) * 4 + c];
      n++;
    }
  }
  return sum.map((s) => s / n) as [number, number, number];
}

const centre = (x: number, y: number) => Math.abs(x - 32) < 6 && Math.abs(y - 32) < 6;
const corners = (x: number, y: number) => (x < 4 || x >= 60) && (y < 4 || y >= 60);

test('a large red square in the centre on a blue background', async () => {
  const { images } = await generate('a large red square in the center on a blue background');
  const [r, g, b] = meanRgb(images[0].rgba, centre);
  assert.ok(r > g + 80 && r > b + 80, `centre ${[r, g, b]}`);
  const [br, bg, bb] = meanRgb(images[0].rgba, corners);
  assert.ok(bb > br + 80 && bb > bg + 80, `corners ${[br, bg, bb]}`);
});

test('a large yellow circle in the centre on a black background', async () => {
  const { images } = await generate('a large yellow circle in the center on a black background', 2);
  const [r, g, b] = meanRgb(images[0].rgba, centre);
  assert.ok(r > 150 && g > 150 && b < 100, `centre ${[r, g, b]}`);
  const [br, bg, bb] = meanRgb(images[0].rgba, corners);
  assert.ok(Math.max(br, bg, bb) < 70, `corners ${[br, bg, bb]}`);
});

test('unknown words are reported and the known ones still steer the image', async () => {
  const { images, info } = await generate('a large green zebra square in the center on a white background', 3);
  assert.deepEqual(info.unknownWords, ['zebra']);
  const [r, g, b] = meanRgb(images[0].rgba, centre);
  assert.ok(g > r + 60 && g > b + 60, `centre ${[r, g, b]}`);
});

test("the per-step latent preview uses the model's own factors and shows the decoded image's colours", async () => {
  let last: StepEvent | undefined;
  const { images } = await engine.generate(
    {
      spec: runSpec({ modelDir: defaultModelDir(), prompt: 'a large red square in the center on a blue background', seed: 1, steps: 20 }),
      options: { provider: 'cpu', preview: { every: 20, kind: 'latent' } },
    },
    { onStep: (e) => (last = e.preview ? e : last) },
  );
  const preview = last!.preview!;
  const scale = 64 / preview.width; // the preview is at latent resolution
  assert.equal(preview.height * scale, 64);
  let diff = 0;
  for (let y = 0; y < preview.height; y++) {
    for (let x = 0; x < preview.width; x++) {
      const block = (px: number, py: number) => px >= x * scale && px < (x + 1) * scale && py >= y * scale && py < (y + 1) * scale;
      const mean = meanRgb(images[0].rgba, block);
      for (let c = 0; c < 3; c++) diff += Math.abs(mean[c] - preview.rgba[(y * preview.width + x) * 4 + c]);
    }
  }
  // Fitted factors land within about 25 levels of the decoded image; SD 1.x's would be about 70 off.
  const meanDiff = diff / (preview.width * preview.height * 3);
  assert.ok(meanDiff < 35, `mean |preview - image| ${meanDiff.toFixed(1)} levels`);
});
