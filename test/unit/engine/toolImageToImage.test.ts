// Image-to-image with the tools' samplers through the engine, on the default model (its folder has a VAE
// encoder): each tool's cut of its schedule reported as run, x_T as the image's latents plus the seed's noise
// × σ₀, ComfyUI at strength 0 the VAE round trip, and the refusals. The σ and the arithmetic are checked
// against A1111's and ComfyUI's own code in test/unit/core/kdiffusion/img2imgTrajectories.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { a1111Fill } from '../../../src/core/image/a1111Fill';
import { initialNoise } from '../../../src/core/noise/initialNoise';
import type { GenerateRequest, GenerateResult, RgbaPixels, StepEvent } from '../../../src/protocol/engine';
import { runSpec, type RunSpec, type ToolSamplerSpec } from '../../../src/protocol/run';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { classify } from './classify';
import { halfMask, maxDiff, meanAbs, model, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

const PROMPT = 'a green circle at the top left on a blue background';
const A1111 = (sampler: string, schedule?: string): ToolSamplerSpec => ({ tool: 'a1111', sampler, schedule });
const COMFY = (sampler: string, schedule: string): ToolSamplerSpec => ({ tool: 'comfyui', sampler, schedule });

async function run(
  spec: Partial<RunSpec>,
  init?: RgbaPixels,
  events: StepEvent[] = [],
  mask?: RgbaPixels,
): Promise<GenerateResult> {
  const request: GenerateRequest = {
    spec: runSpec({ modelDir: defaultModelDir(), prompt: PROMPT, seed: 1, steps: 10, ...spec }),
    options: { provider: 'cpu', captureLatents: true, returnTensors: true },
    images: init && { init, mask },
  };
  return engine.generate(request, { onStep: (e) => events.push(e) });
}

let red: RgbaPixels | undefined;
async function redCircle(): Promise<RgbaPixels> {
  const [image] = (await run({ prompt: 'a red circle at the top left on a blue background' })).images;
  return (red ??= { width: image.width, height: image.height, rgba: image.rgba });
}

test("A1111's cut: t_enc + 1 steps from index steps − t_enc − 1; x_T the image's latents + the seed's noise × σ₀", async () => {
  const init = await redCircle();
  const latents: Float32Array[] = [];
  for (const seed of [1, 2]) {
    const events: StepEvent[] = [];
    const r = await run({ toolSampler: A1111('Euler a'), strength: 0.3, initImage: 'red.png', seed }, init, events);
    // t_enc = ⌊0.3 · 10⌋ = 3.
    assert.deepEqual(
      [r.info.image?.mode, r.info.image?.strength, r.info.image?.beginIndex, r.info.image?.stepsRun],
      ['img2img', 0.3, 6, 4],
    );
    assert.equal(r.info.toolSampler?.sigmas.length, 5);
    assert.equal(events.length, 4);
    const [, ...imageShape] = events[0].latentShape;
    const noise = initialNoise({ convention: 'a1111', seed, imageShape, batchSize: 1 });
    const s0 = r.info.toolSampler.sigmas[0];
    latents.push(events[0].xt!.map((v, i) => v - noise[i] * s0));
  }
  // What is left once the seed's noise is taken off is the image's latents, whatever the seed.
  const worst = Math.max(...latents[0].map((v, i) => Math.abs(v - latents[1][i])));
  assert.ok(worst < 1e-5, `the latents x_T starts from differ by ${worst} between seeds`);
  assert.ok(Math.max(...latents[0].map(Math.abs)) > 0.1, 'and they are not zero');
});

test("A1111's DDIM, PLMS and UniPC: the first t_enc of their timesteps, walked down", async () => {
  const init = await redCircle();
  // t_enc = ⌊0.75 · 10⌋ = 7 of the 10 DDIM timesteps, from index 3: DDIM and PLMS walk them in 6 steps,
  // UniPC walks 7 times from just above the last of them.
  for (const [sampler, steps] of [
    ['DDIM', 6],
    ['PLMS', 6],
    ['UniPC', 7],
  ] as const) {
    const events: StepEvent[] = [];
    const r = await run({ toolSampler: A1111(sampler), strength: 0.75, initImage: 'red.png' }, init, events);
    assert.deepEqual([r.info.image?.beginIndex, r.info.image?.stepsRun], [3, steps], sampler);
    assert.equal(r.info.toolSampler?.sigmas.length, steps + 1);
    assert.equal(events.length, steps);
    assert.ok(maxDiff(r.images[0].rgba, init.rgba) > 0, `${sampler} changes the image`);
  }
});

test("ComfyUI's cut: the last steps + 1 σ of ⌊steps/denoise⌋; at strength 0 no step, the VAE round trip", async () => {
  const init = await redCircle();
  const r = await run({ toolSampler: COMFY('dpmpp_2m', 'karras'), strength: 0.3, initImage: 'red.png' }, init);
  // ⌊10/0.3⌋ = 33 steps, of which the last 10.
  assert.deepEqual([r.info.image?.beginIndex, r.info.image?.stepsRun, r.info.toolSampler?.sigmas.length], [23, 10, 11]);
  const events: StepEvent[] = [];
  const kept = await run({ toolSampler: COMFY('euler', 'normal'), strength: 0, initImage: 'red.png' }, init, events);
  assert.equal(events.length, 0);
  assert.equal(kept.info.image?.stepsRun, 0);
  const diffusers = await run({ strength: 0, initImage: 'red.png' }, init);
  assert.deepEqual(kept.images[0].rgba, diffusers.images[0].rgba, "the diffusers path's round trip at strength 0");
  assert.ok(maxDiff(r.images[0].rgba, kept.images[0].rgba) > 0, 'strength 0.3 changes the image');
});

test("ComfyUI's samplers inpaint: the kept half ends as the image's latents, the masked half is repainted", async () => {
  const init = await redCircle();
  const prompt = 'a yellow square at the bottom right on a blue background';
  const spec = { prompt, initImage: 'red.png', mask: 'm.png', strength: 1, toolSampler: COMFY('euler', 'karras') };
  const r = await run(spec, init, [], halfMask(64, 64));
  assert.equal(r.info.image?.mode, 'inpaint');
  const kept = await run({ initImage: 'red.png', strength: 0, toolSampler: COMFY('euler', 'karras') }, init);
  // The mask at the latents' size is 0 on the left half: Euler's last step to σ 0 lands on the x̂0 that
  // KSamplerX0Inpaint sets to the image's latents there.
  const [, channels, h, w] = r.tensors!.latentShape;
  let worst = 0;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w / 2; x++) {
        const k = (c * h + y) * w + x;
        worst = Math.max(worst, Math.abs(r.tensors!.latents[k] - kept.tensors!.latents[k]));
      }
  assert.ok(worst < 1e-5, `kept latents differ from the image's by ${worst}`);
  const right = (img: RgbaPixels) => meanAbs(img.rgba, init.rgba, (x) => x >= 32);
  assert.ok(right(r.images[0]) > 10 * right(kept.images[0]), 'the masked half is repainted');
  assert.equal(classify([r.images[0]])[0].colour, 'yellow');
});

test("A1111's samplers inpaint: the kept half is the init image's pixels and latents, the masked half resampled", async () => {
  const init = await redCircle();
  const prompt = 'a yellow square at the bottom right on a blue background';
  const kept = await run({ initImage: 'red.png', strength: 0, toolSampler: COMFY('euler', 'karras') }, init);
  // Euler a blends x̂0 after each call; DDIM (in ε-space, like PLMS and UniPC) the model's input before it,
  // the init latents as they are, so the model sees half a clean image at every noise level and paints
  // background there (as A1111's DDIM does): the kept red circle stays the only shape, where Euler a
  // adds the prompt's yellow square.
  for (const [sampler, colour] of [
    ['Euler a', 'yellow'],
    ['DDIM', 'red'],
  ]) {
    const spec = { prompt, initImage: 'red.png', mask: 'm.png', strength: 1, toolSampler: A1111(sampler) };
    const r = await run(spec, init, [], halfMask(64, 64));
    assert.equal(r.info.image?.mode, 'inpaint');
    // A1111 pastes the init image back over what the mask keeps (apply_overlay): the left half exactly.
    assert.equal(
      meanAbs(r.images[0].rgba, init.rgba, (x) => x < 32),
      0,
      sampler,
    );
    assert.equal(classify([r.images[0]])[0].colour, colour, sampler);
    // Its final blend leaves the init image's latents in the kept cells, and the others resampled.
    const [, channels, h, w] = r.tensors!.latentShape;
    let resampled = 0;
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const k = (c * h + y) * w + x;
          const delta = Math.abs(r.tensors!.latents[k] - kept.tensors!.latents[k]);
          if (x < w / 2) assert.equal(delta, 0, sampler);
          else resampled = Math.max(resampled, delta);
        }
    assert.ok(resampled > 0.1, `${sampler}: the masked half's latents moved by at most ${resampled}`);
  }
});

test("A1111's masked content: fill encodes the filled image; latent noise and latent nothing then replace the masked cells", async () => {
  const init = await redCircle();
  const base = { initImage: 'red.png', mask: 'm.png', strength: 0.6, toolSampler: A1111('Euler a') };
  const mask = halfMask(64, 64);
  const firstX = async (fields: Partial<RunSpec>, image = init, withMask: RgbaPixels | undefined = mask) => {
    const events: StepEvent[] = [];
    const r = await run({ ...base, ...fields }, image, events, withMask);
    return { r, x: events[0].xt!, sigma: events[0].sigma };
  };
  // fill: x_T is that of the filled image (A1111's fill, a1111Fill.test.ts) run without a mask, bit for bit.
  const fill = await firstX({ maskedContent: 'fill' });
  const maskBytes = Uint8Array.from({ length: 64 * 64 }, (_, p) => (mask.rgba[p * 4] > 128 ? 255 : 0));
  const filled = { width: 64, height: 64, rgba: a1111Fill(init.rgba, maskBytes, 64, 64) };
  const unmasked = await firstX({ mask: undefined }, filled, undefined);
  assert.deepEqual(fill.x, unmasked.x, 'fill: the filled image encoded');
  // The encoder sees across the mask's edge, so the filled image moves kept cells too (as in A1111).
  const original = await firstX({});
  assert.ok(
    fill.x.some((v, k) => v !== original.x[k]),
    'fill changes the start',
  );
  const [, channels, h, w] = original.r.tensors!.latentShape;
  const noise = initialNoise({ convention: 'a1111', seed: 1, imageShape: [channels, h, w], batchSize: 1 });
  for (const maskedContent of ['latent noise', 'latent nothing'] as const) {
    // x_T = init′ + noise·σ₀, init′ the filled image's latents with the masked cells replaced.
    const { r, x, sigma } = await firstX({ maskedContent });
    for (let k = 0; k < noise.length; k++) {
      const start = maskedContent === 'latent noise' ? noise[k] : 0;
      const want = k % w < w / 2 ? fill.x[k] : Math.fround(start + noise[k] * sigma);
      assert.equal(x[k], want, `${maskedContent}: x_T ${k}`);
    }
    assert.equal(
      meanAbs(r.images[0].rgba, init.rgba, (px) => px < 32),
      0,
      `${maskedContent}: the kept half`,
    );
  }
  const comfy = { ...base, toolSampler: COMFY('euler', 'karras'), maskedContent: 'latent noise' as const };
  await assert.rejects(run(comfy, init, [], mask), {
    code: 'BAD_REQUEST',
    message: /masked content "latent noise" is A1111's: pick an A1111 sampler/,
  });
});

test('A1111\'s "only masked" repaints the region around the mask at the run\'s size and pastes it back', async () => {
  // A 96×64 image, the mask a 16×16 box; with padding 8 the region is 32×32, run at 64×64.
  const [w, h] = [96, 64];
  const init = { width: w, height: h, rgba: new Uint8Array(w * h * 4) };
  for (let p = 0; p < w * h; p++) init.rgba.set([(p * 7) % 256, ((p >> 5) * 3) % 256, 200, 255], p * 4);
  const inBox = (p: number) => p % w >= 40 && p % w < 56 && Math.floor(p / w) >= 24 && Math.floor(p / w) < 40;
  const mask = { width: w, height: h, rgba: new Uint8Array(w * h * 4) };
  for (let p = 0; p < w * h; p++) mask.rgba.set(inBox(p) ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
  const spec = { initImage: 'i.png', mask: 'm.png', strength: 0.75, toolSampler: A1111('Euler a') };
  const r = await run({ ...spec, inpaintArea: 'only masked', maskPadding: 8 }, init, [], mask);
  const out = r.images[0];
  assert.deepEqual([out.width, out.height], [w, h], 'the init image keeps its size');
  assert.equal(r.info.image?.resize, 'only-masked');
  let changed = 0;
  for (let p = 0; p < w * h; p++) {
    const same = [0, 1, 2].every((c) => out.rgba[p * 4 + c] === init.rgba[p * 4 + c]);
    if (!inBox(p)) assert.ok(same, `pixel ${p % w},${Math.floor(p / w)} outside the mask`);
    else if (!same) changed++;
  }
  assert.ok(changed > 100, `${changed} of the mask's 256 pixels repainted`);
});

test('A1111\'s "only masked" with a blank mask runs image-to-image, as A1111 does, and says so', async () => {
  const [w, h] = [96, 64];
  const init = { width: w, height: h, rgba: new Uint8Array(w * h * 4) };
  for (let p = 0; p < w * h; p++) init.rgba.set([(p * 7) % 256, ((p >> 5) * 3) % 256, 200, 255], p * 4);
  const blank = { width: w, height: h, rgba: new Uint8Array(w * h * 4).fill(0) };
  const spec = { initImage: 'i.png', strength: 0.75, toolSampler: A1111('Euler a') };
  // The mask's options go with it: its masked content would otherwise need a mask.
  const masked = {
    ...spec,
    mask: 'm.png',
    inpaintArea: 'only masked' as const,
    maskedContent: 'latent noise' as const,
  };
  const fellBack = await run(masked, init, [], blank);
  const img2img = await run(spec, init);
  assert.deepEqual(fellBack.images[0].rgba, img2img.images[0].rgba, 'the image-to-image run of the same seed');
  assert.deepEqual([fellBack.images[0].width, fellBack.images[0].height], [64, 64], "the run's size, not the init's");
  assert.deepEqual([fellBack.info.image?.mode, fellBack.info.image?.resize], ['img2img', 'stretch-lanczos3']);
  assert.ok(
    fellBack.info.warnings.some((m) =>
      /the mask is blank, so inpaint area "only masked" ran as image-to-image/.test(m),
    ),
  );
  // An inpainting UNet too, with the mask channels A1111 gives it without a mask (inpaintUnetExtra.test.ts).
  const onInpaintModel = { modelDir: model('tiny-sd-inpaint'), width: 64, height: 64 };
  const inpaintFellBack = await run({ ...masked, ...onInpaintModel }, init, [], blank);
  const inpaintImg2img = await run({ ...spec, ...onInpaintModel }, init);
  assert.deepEqual(inpaintFellBack.images[0].rgba, inpaintImg2img.images[0].rgba);
  assert.equal(inpaintFellBack.info.image?.mode, 'img2img');
  // ComfyUI's samplers take an image without a mask on it too (its blank latent in the mask channels).
  const comfy = await run({ ...spec, ...onInpaintModel, toolSampler: COMFY('euler', 'normal') }, init);
  assert.equal(comfy.info.image?.mode, 'img2img');
  assert.ok(maxDiff(comfy.images[0].rgba, inpaintImg2img.images[0].rgba) > 0, "not A1111's image");
});

test('a tool sampler refuses inversion and an init image it does not start from, naming why', async () => {
  const init = await redCircle();
  const image = { initImage: 'red.png', strength: 0.5 };
  await assert.rejects(
    run({ ...image, toolSampler: A1111('DPM fast') }, init),
    /A1111's DPM fast does not start from an init image yet/,
  );
  await assert.rejects(
    run({ ...image, strength: 0.2, toolSampler: A1111('UniPC') }, init),
    /UniPC: from an init image at strength 0.2 it walks 2 of its 10 timesteps .* needs at least 3, its order/,
  );
  await assert.rejects(
    run({ initImage: 'red.png', invert: true, toolSampler: A1111('Euler') }, init),
    /inversion runs DDIM: it takes no tool sampler/,
  );
});
