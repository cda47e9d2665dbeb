// The engine's own text conditioning, added UNet inputs and UNet feeding on the family fixtures, against
// the PyTorch outputs in <folder>.reference.json (scripts/make_family_models.py): the prompt "a red circle"
// is the reference's input_ids, and the UNet gets the reference's fixed inputs through runUnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePrompts } from '../../../src/engine/textEncoding';
import { addedConditions, guidanceEmbedding, timeIds } from '../../../src/engine/addedConditions';
import { runUnet } from '../../../src/engine/runUnet';
import { runSpec } from '../../../src/protocol/run';
import { assertMatches, inputValues, readReference, type OutputStats } from './familyReference';
import { sessions } from './loadedSessions';

const SHAPE = { batch: 1, channels: 4, width: 64, height: 64, latentWidth: 8, latentHeight: 8 };
const PROMPT = 'a red circle';

/** The prompt's encoding in a guided run (SDXL's default guidance 5) with this negative prompt. */
function encode(s: Awaited<ReturnType<typeof sessions>>, negativePrompt: string) {
  return encodePrompts(s, { prompt: PROMPT, negativePrompt, guidanceScale: 5 }, SHAPE);
}

/** Stats of two outputs side by side along the last axis, from each one's stats (first values: the first's). */
function concatenated(a: OutputStats, b: OutputStats): OutputStats {
  return {
    shape: [...a.shape.slice(0, -1), a.shape.at(-1)! + b.shape.at(-1)!],
    sum: a.sum! + b.sum!,
    abs_sum: a.abs_sum! + b.abs_sum!,
    first: a.first!.slice(0, a.shape.at(-1)),
  };
}

for (const folder of ['tiny-sdxl', 'tiny-sdxl-o122']) {
  test(`${folder}: both encoders' penultimate hidden states, concatenated, and the pooled text_embeds match PyTorch`, async () => {
    const s = await sessions(folder);
    const ref = readReference(folder).components;
    // The reference encodes the prompt twice (batch 2): here as negative and prompt of a guided run.
    const text = await encode(s, PROMPT);
    const [first, second] = [ref.text_encoder, ref.text_encoder_2];
    const expected = concatenated(first.outputs['hidden_states.1'], second.outputs['hidden_states.1']);
    assertMatches(text.hidden.data, text.hidden.shape, expected, `${folder} encoder_hidden_states`);
    assertMatches(text.pooled!.data, text.pooled!.shape, second.outputs.text_embeds, `${folder} text_embeds`);
  });
}

test('tiny-sdxl: an empty negative prompt is zeros (force_zeros_for_empty_prompt), another is encoded', async () => {
  const s = await sessions('tiny-sdxl');
  const empty = await encode(s, '');
  const half = empty.hidden.data.length / 2;
  assert.ok(empty.hidden.data.subarray(0, half).every((v) => v === 0));
  assert.ok(empty.pooled!.data.subarray(0, empty.pooled!.data.length / 2).every((v) => v === 0));
  assert.ok(empty.hidden.data.subarray(half).some((v) => v !== 0));
  const given = await encode(s, 'blurry');
  assert.ok(given.hidden.data.subarray(0, half).some((v) => v !== 0));
  s.folder.forceZerosForEmptyPrompt = false;
  const encoded = await encode(s, '');
  s.folder.forceZerosForEmptyPrompt = true;
  assert.ok(
    encoded.hidden.data.subarray(0, half).some((v) => v !== 0),
    'force_zeros_for_empty_prompt false: "" encoded',
  );
});

test('SDXL time_ids: original size (h, w), crop (top, left), target size (h, w), as diffusers orders them', () => {
  const spec = { ...runSpec({ modelDir: '', prompt: '' }), width: 64, height: 48, guidanceScale: 5 };
  assert.deepEqual(timeIds(spec), [48, 64, 0, 0, 48, 64]);
  const micro = {
    ...spec,
    originalSize: { width: 200, height: 100 },
    cropTopLeft: { x: 7, y: 3 },
    targetSize: { width: 80, height: 60 },
  };
  assert.deepEqual(timeIds(micro), [100, 200, 3, 7, 60, 80]);
});

test("LCM's timestep_cond is diffusers' get_guidance_scale_embedding of g − 1 (reference: g 8.5)", async () => {
  const reference = inputValues(readReference('tiny-lcm').components.unet.inputs.timestep_cond);
  const s = await sessions('tiny-lcm');
  const spec = { ...runSpec({ modelDir: '', prompt: '' }), width: 64, height: 64, guidanceScale: 8.5 };
  const { timestep_cond: cond } = addedConditions(s, spec, undefined, 2);
  assert.deepEqual(cond.shape, [2, 256]);
  // float32 throughout, as torch: where torch's vectorised exp and V8's differ in the last bit, the argument
  // w·1000·exp(…) (up to 7500) moves by its float32 rounding, 7500·2⁻²² ≈ 1.8e-3 at most; most agree exactly.
  const diffs = Array.from(cond.data.subarray(0, 256), (v, i) => Math.abs(v - reference[i]));
  diffs.forEach((d, i) => assert.ok(d <= 1.8e-3, `[${i}] ${cond.data[i]} vs diffusers ${reference[i]}`));
  const exact = diffs.filter((d) => d <= 1e-6).length;
  assert.ok(exact >= 0.9 * 256, `${256 - exact} of 256 differ`);
  const other = addedConditions(s, { ...spec, guidanceScale: 2 }, undefined, 1).timestep_cond.data;
  assert.ok(
    other.some((v, i) => Math.abs(v - cond.data[i]) > 0.1),
    'another g, another embedding',
  );
  assert.equal(guidanceEmbedding(1, 5)[4], 0, 'an odd width ends in a zero');
});

const UNETS = [
  'tiny-sd15',
  'tiny-sd15-o122',
  'tiny-sdxl',
  'tiny-sdxl-o122',
  'tiny-lcm',
  'tiny-lcm-o122',
  'tiny-sd2-v',
  'tiny-sd-turbo',
];
for (const folder of UNETS) {
  test(`${folder}: the engine's UNet call (its generation's timestep, added inputs) matches PyTorch`, async () => {
    const s = await sessions(folder);
    const { inputs, outputs } = readReference(folder).components.unet;
    const tensor = (name: string) => ({
      data: Float32Array.from(inputValues(inputs[name])),
      shape: inputs[name].shape,
    });
    const names = ['text_embeds', 'time_ids', 'timestep_cond'].filter((n) => inputs[n]);
    const added = Object.fromEntries(names.map((n) => [n, tensor(n)]));
    const t = inputValues(inputs.timestep)[0];
    const out = await runUnet(s, tensor('sample'), t, tensor('encoder_hidden_states'), added);
    assertMatches(out, inputs.sample.shape, outputs.out_sample, `${folder} out_sample`);
  });
}
