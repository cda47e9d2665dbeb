// The command line, run as a user runs it (from source here), on the tiny model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { readPngText } from '../../../src/png/pngText';
import { copyModel, model } from '../engine/fixtures';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'start.ts');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const base = ['generate', '--model', model('tiny-sd'), '--prompt', 'a red cat crème', '--seed', '3', '--steps', '3'];

test('generate writes a PNG and says what ran', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const out = join(dir, 'cat.png');
  const r = cli(...base, '--sampler', 'Euler', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sampler +A1111 Euler, schedule Uniform, noise a1111, 3 steps, guidance 7\.5/);
  assert.match(r.out, /sigmas +14\.615, 1\.\d+, 0\.029\d*, 0\n/);
  assert.match(r.out, /seed +3/);
  assert.match(r.out, /provider +cpu/);
  assert.match(r.out, /text encoder [\d.]+ ms, unet [\d.]+ ms/);
  assert.match(r.out, /unknown +crème/);
  const text = readPngText(readFileSync(out));
  assert.match(text.parameters, /Sampler: Euler, Schedule type: Uniform, .*Seed: 3/);
  assert.equal(JSON.parse(text.prompt)['3'].inputs.sampler_name, 'euler');
});

test("without --guidance the model's recommended scale is used and shown; --guidance wins", () => {
  const dir = copyModel('tiny-sd');
  const index = join(dir, 'model_index.json');
  writeFileSync(
    index,
    JSON.stringify({ ...JSON.parse(readFileSync(index, 'utf8')), _diffusion_lab: { guidance_scale: 3 } }),
  );
  const args = ['generate', '--model', dir, '--prompt', 'a red cat', '--seed', '3', '--steps', '2'];
  const omitted = cli(...args, '--out', join(dir, 'a.png'));
  assert.equal(omitted.code, 0, omitted.err);
  assert.match(omitted.out, /\d steps, guidance 3\n/);
  const explicit = cli(...args, '--guidance', '5', '--out', join(dir, 'b.png'));
  assert.match(explicit.out, /\d steps, guidance 5\n/);
});

test('an existing output is kept unless --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const out = join(dir, 'mine.png');
  writeFileSync(out, "the user's file");
  const r = cli(...base, '--out', out);
  assert.equal(r.code, 2, 'an output that exists is a bad argument');
  assert.match(r.err, /mine\.png already exists \(use --force to replace\)/);
  assert.equal(readFileSync(out, 'utf8'), "the user's file");
  assert.equal(cli(...base, '--out', out, '--force').code, 0);
  assert.ok(readFileSync(out).subarray(1, 4).equals(Buffer.from('PNG')));
});

test('--dump writes raw float32 latents and image with their shapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const r = cli(...base, '--batch', '2', '--out', join(dir, 'b.png'), '--dump', join(dir, 'dump'));
  assert.equal(r.code, 0, r.err);
  assert.ok(statSync(join(dir, 'b-2.png')).size > 0);
  const meta = JSON.parse(readFileSync(join(dir, 'dump', 'meta.json'), 'utf8'));
  assert.deepEqual(meta.latents.shape, [2, 4, 8, 8]);
  assert.deepEqual(meta.image.shape, [2, 3, 64, 64]);
  assert.equal(statSync(join(dir, 'dump', 'latents.f32')).size, 2 * 4 * 8 * 8 * 4);
  assert.equal(statSync(join(dir, 'dump', 'image.f32')).size, 2 * 3 * 64 * 64 * 4);
  assert.deepEqual(meta.info.seeds, [3, 4]);
});

test('bad arguments and engine errors exit non-zero with the reason', () => {
  const usage = cli('generate', '--prompt', 'x');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--out <file.png> is required/);
  const bad = cli(...base, '--width', '30', '--out', join(mkdtempSync(join(tmpdir(), 'dl-cli-')), 'x.png'));
  // A value the model refuses is the arguments' to change: exit 2, naming the flag, as a refused flag.
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^diffusion-lab: --width: width 30 is not a multiple of 8 \(try 32\)$/m);
  const far = cli(...base, '--timesteps', '1500,10', '--out', join(mkdtempSync(join(tmpdir(), 'dl-cli-')), 'x.png'));
  assert.equal(far.code, 2);
  assert.match(far.err, /^diffusion-lab: --timesteps: custom timestep 1500 is outside the training range 0 to 999$/m);
  assert.match(cli(...base, '--sampler', 'Nope', '--out', 'x.png').err, /A1111 has no sampler "Nope"/);
});

test('KDPM2 ancestral runs as the diffusers class, and the PNG says why A1111 cannot repeat it', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dl-cli-')), 'a.png');
  const r = cli(...base, '--sampler', 'KDPM2AncestralDiscreteScheduler', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sampler +KDPM2AncestralDiscreteScheduler, 3 steps/);
  const texts = readPngText(readFileSync(out));
  assert.equal(JSON.parse(texts['diffusion-lab']).spec.scheduler._class_name, 'KDPM2AncestralDiscreteScheduler');
  assert.match(
    texts.parameters,
    /Sampler note: "KDPM2AncestralDiscreteScheduler: A1111's DPM2 a drops the next-to-last σ/,
  );
});

test('--timesteps and --sigmas run an explicit schedule and name it; a bad list is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const steps = cli(
    ...base,
    '--sampler',
    'EulerDiscreteScheduler',
    '--timesteps',
    '999, 500,20',
    '--out',
    join(dir, 't.png'),
  );
  assert.equal(steps.code, 0, steps.err);
  assert.match(steps.out, /EulerDiscreteScheduler, 3 steps \(timesteps 999, 500, 20\)/);
  const sigmas = cli(
    ...base,
    '--sampler',
    'EulerDiscreteScheduler',
    '--sigmas',
    '14.6,2,0',
    '--out',
    join(dir, 's.png'),
  );
  assert.equal(sigmas.code, 0, sigmas.err);
  assert.match(sigmas.out, /2 steps \(sigmas 14\.6, 2, 0\)/);
  const word = cli(
    ...base,
    '--sampler',
    'EulerDiscreteScheduler',
    '--timesteps',
    '999,abc',
    '--out',
    join(dir, 'w.png'),
  );
  assert.equal(word.code, 2);
  assert.match(word.err, /--timesteps must be a number, not "abc"/);
  const ascending = cli(
    ...base,
    '--sampler',
    'EulerDiscreteScheduler',
    '--timesteps',
    '20,500',
    '--out',
    join(dir, 'a.png'),
  );
  assert.equal(ascending.code, 2);
  assert.match(ascending.err, /strictly descending/);
});

test('--init-image, --strength, --mask and --mask-blur run image-to-image and inpainting and record it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const red = join(dir, 'red.png');
  assert.equal(
    cli(
      'generate',
      '--prompt',
      'a red circle at the top left on a blue background',
      '--seed',
      '1',
      '--steps',
      '10',
      '--out',
      red,
    ).code,
    0,
  );
  const out = join(dir, 'green.png');
  const r = cli(
    'generate',
    '--prompt',
    'a green circle at the top left on a blue background',
    '--seed',
    '2',
    '--steps',
    '10',
    '--init-image',
    red,
    '--strength',
    '0.7',
    '--out',
    out,
  );
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /image +img2img from 64x64 \(stretched, Lanczos-3\), latent encoder-output, encoder [\d.]+ ms, strength 0\.7: 7 steps sampled/,
  );
  const texts = readPngText(readFileSync(out));
  assert.match(texts.parameters, /Denoising strength: 0\.7/);
  const record = JSON.parse(texts['diffusion-lab']);
  assert.equal(record.inputs.initImage.path, red);
  assert.equal(record.inputs.initImage.sha256, createHash('sha256').update(readFileSync(red)).digest('hex'));
  const mask = join(dir, 'mask.jpg');
  writeFileSync(mask, encodeJpeg({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) }, 90).data);
  const inpainted = (...more: string[]) =>
    cli(
      'generate',
      '--prompt',
      'a yellow square',
      '--seed',
      '2',
      '--steps',
      '4',
      '--init-image',
      red,
      '--mask',
      mask,
      ...more,
    );
  const inpaint = inpainted('--mask-blur', '4', '--out', join(dir, 'i.png'));
  assert.equal(inpaint.code, 0, inpaint.err);
  assert.match(readPngText(readFileSync(join(dir, 'i.png'))).parameters, /Denoising strength: 0\.75, Mask blur: 4/);
  // A1111's masked content, with an A1111 sampler; refused without one, naming the flag.
  for (const [content, file] of [
    ['latent nothing', 'n.png'],
    ['fill', 'f.png'],
  ]) {
    const made = inpainted('--sampler', 'Euler a', '--masked-content', content, '--out', join(dir, file));
    assert.equal(made.code, 0, made.err);
    assert.match(readPngText(readFileSync(join(dir, file))).parameters, new RegExp(`Masked content: ${content}`));
  }
  // Inpaint area "Only masked": the mask's region run at the run's size, pasted back; A1111's keys in the PNG.
  const onlyMasked = inpainted(
    '--sampler',
    'Euler a',
    '--inpaint-area',
    'only masked',
    '--mask-padding',
    '8',
    '--out',
    join(dir, 'o.png'),
  );
  assert.equal(onlyMasked.code, 0, onlyMasked.err);
  assert.match(onlyMasked.out, /image +inpaint from 64x64 \(only masked: the mask's region, pasted back\)/);
  assert.match(
    readPngText(readFileSync(join(dir, 'o.png'))).parameters,
    /Inpaint area: Only masked, Masked area padding: 8/,
  );
  const padded = inpainted('--mask-padding', '8', '--out', join(dir, 'p.png'));
  assert.match(padded.err, /--mask-padding: mask padding needs inpaint area "only masked"/);
  const refused = inpainted('--masked-content', 'latent noise', '--out', join(dir, 'x.png'));
  assert.equal(refused.code, 2);
  assert.match(refused.err, /--masked-content: masked content "latent noise" is A1111's: pick an A1111 sampler/);
  // ComfyUI's InpaintModelConditioning, with a ComfyUI sampler: its node in the PNG's graph.
  const node = ['--inpaint-node', 'InpaintModelConditioning'];
  const conditioned = inpainted('--sampler', 'euler', ...node, '--out', join(dir, 'c.png'));
  assert.equal(conditioned.code, 0, conditioned.err);
  assert.match(readPngText(readFileSync(join(dir, 'c.png'))).prompt, /"class_type":"InpaintModelConditioning"/);
  const notComfy = inpainted(...node, '--out', join(dir, 'y.png'));
  assert.equal(notComfy.code, 2);
  assert.match(notComfy.err, /--inpaint-node: inpaint node InpaintModelConditioning is ComfyUI's: pick a ComfyUI/);
  // VAEEncodeForInpaint with its grow_mask_by: the node and the value in the PNG's graph.
  const grown = ['--inpaint-node', 'VAEEncodeForInpaint', '--grow-mask-by', '4'];
  const forInpaint = inpainted('--sampler', 'euler', ...grown, '--out', join(dir, 'g.png'));
  assert.equal(forInpaint.code, 0, forInpaint.err);
  const graph = readPngText(readFileSync(join(dir, 'g.png'))).prompt;
  assert.match(graph, /"grow_mask_by":4\},"class_type":"VAEEncodeForInpaint"/);
});

test('invert prints the reconstruction PSNR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const image = join(dir, 'in.png');
  assert.equal(
    cli(
      'generate',
      '--prompt',
      'a large red square in the center on a blue background',
      '--seed',
      '1',
      '--steps',
      '10',
      '--out',
      image,
    ).code,
    0,
  );
  const r = cli('invert', '--image', image, '--steps', '20', '--out', join(dir, 'recon.png'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sampler +DDIMScheduler, 20 steps, guidance 1\n/);
  const psnr = Number(/psnr +([\d.]+) dB/.exec(r.out)?.[1]);
  assert.ok(psnr > 25, `PSNR ${psnr}`);
  assert.match(cli('invert', '--out', join(dir, 'x.png')).err, /--image <file> is required/);
});

test('bad image arguments are refused naming the flag and the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const red = join(dir, 'red.png');
  assert.equal(cli('generate', '--prompt', 'a red circle', '--seed', '1', '--steps', '2', '--out', red).code, 0);
  const gen = (...args: string[]) =>
    cli('generate', '--prompt', 'x', '--seed', '1', '--steps', '2', '--out', join(dir, 'o.png'), ...args);
  const cases: [string[], number, RegExp][] = [
    [['--init-image', red, '--strength', '1.5'], 2, /--strength: strength must be a number from 0 to 1, not 1\.5/],
    [['--init-image', red, '--strength', 'half'], 2, /--strength must be a number, not "half"/],
    [['--strength', '0.5'], 2, /--strength: strength needs an init image/],
    [['--mask', red], 2, /--mask: mask needs an init image/],
    [['--init-image', join(dir, 'none.png')], 2, /--init-image: init image .*none\.png does not exist$/m],
    [['--init-image', join(dir, 'empty.png')], 2, /--init-image: init image .*empty\.png is empty/],
    [
      ['--init-image', red, '--mask', join(dir, 'small.png')],
      2,
      /--mask: mask .*small\.png is 8x8 but the init image is 64x64/,
    ],
    [['--init-image', red, '--model', model('tiny-sd')], 2, /has no vae_encoder\/model\.onnx.*\[BAD_REQUEST\]/],
    [
      ['--model', model('tiny-sd-inpaint')],
      2,
      /inpainting UNet \(9 input channels.*give an init image and a mask, or an init image and an A1111 or ComfyUI sampler \[BAD_REQUEST\]/,
    ],
  ];
  writeFileSync(join(dir, 'empty.png'), '');
  writeFileSync(join(dir, 'small.png'), encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256) }, 90).data);
  for (const [args, code, pattern] of cases) {
    const r = gen(...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
  }
});

test('a scheduler config warning (a misspelt key) is shown, not swallowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-cli-'));
  const config = join(dir, 'typo.json');
  writeFileSync(config, JSON.stringify({ _class_name: 'EulerDiscreteScheduler', use_karas_sigmas: true }));
  const r = cli(...base, '--scheduler-config', config, '--out', join(dir, 't.png'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /warning +scheduler config use_karas_sigmas: .*Did you mean use_karras_sigmas\?/);
});

test('an SDXL-Turbo folder runs at its family settings with micro-conditioning flags, and says so', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dl-cli-')), 'xl.png');
  const r = cli(
    'generate',
    '--model',
    model('tiny-sdxl-turbo'),
    '--prompt',
    'a red circle',
    '--seed',
    '3',
    '--original-size',
    '512x512',
    '--crop',
    '0,16',
    '--target-size',
    '64x64',
    '--out',
    out,
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sampler +EulerAncestralDiscreteScheduler, 1 steps, guidance 0\n/);
  assert.match(r.out, /size +64x64, batch 1, original 512x512, crop 0,16, target 64x64/);
  assert.match(r.out, /family +sdxl-turbo \(optimum>=1\.24, epsilon\), recommends 64x64, 1 steps, guidance 0, /);
  assert.match(r.out, /from the model: steps, guidanceScale, width, height/);
  assert.ok(statSync(out).size > 0);
});

test('generate --refiner hands the end of the schedule to an SDXL refiner and prints where it switched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-refiner-'));
  const out = join(dir, 'refined.png');
  const args = ['generate', '--model', model('tiny-sdxl'), '--prompt', 'a red circle', '--seed', '3', '--steps', '10'];
  const r = cli(...args, '--refiner', model('tiny-sdxl-refiner'), '--refiner-switch-at', '0.7', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /refiner +\S+tiny-sdxl-refiner \(hash [0-9a-f]{64}\), switch at 0\.7: base 7 \+ refiner 3 UNet calls/,
  );
  assert.ok(statSync(out).size > 0);
  const bad = cli(...args, '--refiner-switch-at', '0.7', '--out', join(dir, 'x.png'));
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--refiner-switch-at: a refiner switch needs a refiner/);
});
