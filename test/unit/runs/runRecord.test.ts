import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParameters } from '../../../src/runs/a1111Parameters';
import {
  buildRunRecords,
  parseRecord,
  pngTextChunks,
  remakeSpec,
  restoreFromPngText,
} from '../../../src/runs/runRecord';
import { sampleInfo } from './sampleInfo';

const info = sampleInfo();

test('one record per image, each with its own seed and the shared run facts', () => {
  const records = buildRunRecords(new Date(0), info);
  assert.deepEqual(
    records.map((r) => [r.seed, r.batchIndex]),
    [
      [11, 0],
      [12, 1],
    ],
  );
  assert.equal(records[1].ran.timings.vaeMs, 3);
  assert.equal(records[1].ran.timings.loadMs, 120, 'the load time the engine reported');
  assert.equal(records[0].ran.scheduler._class_name, 'EulerDiscreteScheduler');
  assert.equal(records[0].spec.prompt, 'a café');
  assert.equal(records[0].createdAt, new Date(0).toISOString());
});

test('PNG text carries A1111 parameters and a Latin-1-safe JSON record', () => {
  const scheduler = { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, timestep_spacing: 'linspace' };
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec: { prompt: 'a café ☕' }, scheduler }));
  const texts = pngTextChunks(record);
  const a1111 = parseParameters(texts.parameters);
  assert.equal(a1111.sampler, 'Euler');
  assert.equal(a1111.scheduleType, 'Karras');
  assert.equal(a1111.modelHash, 'abcdef0123');
  assert.equal(a1111.seed, 11);
  assert.ok([...texts['diffusion-lab']].every((c) => c.charCodeAt(0) < 0x80));
  assert.equal(JSON.parse(texts['diffusion-lab']).spec.prompt, 'a café ☕');
});

test('a run A1111 cannot repeat writes no sampler name but the reason; the schedule type is never left to Automatic', () => {
  const [record] = buildRunRecords(new Date(0), info);
  const a1111 = parseParameters(pngTextChunks(record).parameters);
  assert.equal(a1111.sampler, undefined);
  assert.equal(a1111.scheduleType, undefined);
  const note = a1111.extra.find(([k]) => k === 'Sampler note')?.[1] ?? '';
  assert.match(
    note,
    /^EulerDiscreteScheduler: EulerDiscreteScheduler takes the Karras range from its leading timesteps/,
  );
  const ddim = buildRunRecords(
    new Date(0),
    sampleInfo({ scheduler: { _class_name: 'DDIMScheduler', timestep_spacing: 'leading' } }),
  )[0];
  assert.doesNotMatch(pngTextChunks(ddim).parameters, /Sampler: /, 'no A1111 name that runs something else');
  const plain = sampleInfo({
    scheduler: {
      _class_name: 'DPMSolverMultistepScheduler',
      algorithm_type: 'dpmsolver++',
      solver_order: 2,
      timestep_spacing: 'trailing',
      num_train_timesteps: 1000,
    },
  });
  assert.match(
    pngTextChunks(buildRunRecords(new Date(0), plain)[0]).parameters,
    /Sampler: DPM\+\+ 2M, Schedule type: Simple,/,
  );
});

test('a tool run writes its names for A1111 and a ComfyUI graph that runs it', () => {
  const toolSampler = {
    tool: 'a1111' as const,
    sampler: 'dpmpp_2m',
    noise: 'a1111' as const,
    sigmas: [14.6, 1, 0],
    a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' },
    comfyui: { samplerName: 'dpmpp_2m', scheduler: 'karras' },
  };
  const spec = { toolSampler: { tool: 'a1111' as const, sampler: 'DPM++ 2M Karras' }, steps: 2 };
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec, toolSampler }));
  const texts = pngTextChunks(record);
  assert.match(
    texts.parameters,
    /Steps: 2, Sampler: DPM\+\+ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 11, Size: 32x32/,
  );
  const prompt = JSON.parse(texts.prompt);
  assert.deepEqual(prompt['3'].inputs, {
    seed: 11,
    steps: 2,
    cfg: 7.5,
    sampler_name: 'dpmpp_2m',
    scheduler: 'karras',
    denoise: 1,
    model: ['4', 0],
    positive: ['6', 0],
    negative: ['7', 0],
    latent_image: ['5', 0],
  });
  assert.deepEqual(prompt['4'].inputs, { ckpt_name: 'tiny-shapes.safetensors' });
  assert.deepEqual(prompt['5'].inputs, { width: 32, height: 32, batch_size: 1 });
  assert.equal(prompt['6'].inputs.text, 'a café');
  assert.equal(prompt['7'].inputs.text, 'blur');
  const workflow = JSON.parse(texts.workflow);
  assert.equal(workflow.version, 0.4);
  const ksampler = workflow.nodes.find((n: { type: string }) => n.type === 'KSampler');
  assert.deepEqual(ksampler.widgets_values, [11, 'fixed', 2, 7.5, 'dpmpp_2m', 'karras', 1]);
  assertLinksJoined(workflow);
  // Read back as a ComfyUI PNG (without our record and A1111's text): the same run, as ComfyUI's sampler.
  const back = restoreFromPngText({ prompt: texts.prompt })!;
  assert.equal(back.source, 'comfyui');
  assert.deepEqual(back.spec, {
    prompt: 'a café',
    negativePrompt: 'blur',
    seed: 11,
    steps: 2,
    guidanceScale: 7.5,
    width: 32,
    height: 32,
    toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'karras' },
  });
  assert.equal(back.model.name, 'tiny-shapes');
});

test('from an init image only the tool that ran is named; a ComfyUI run writes the img2img graph', () => {
  const image = { initImage: '/in/cat.png', strength: 0.6, steps: 10 };
  const texts = (overrides: Parameters<typeof sampleInfo>[0]) =>
    pngTextChunks(buildRunRecords(new Date(0), sampleInfo(overrides))[0]);
  const a1111 = texts({
    spec: { ...image, toolSampler: { tool: 'a1111', sampler: 'Euler' } },
    toolSampler: tool('a1111'),
  });
  assert.match(a1111.parameters, /Steps: 10, Sampler: Euler, Schedule type: Automatic, .*Denoising strength: 0\.6/);
  assert.doesNotMatch(a1111.parameters, /Sampler note/);
  assert.equal(a1111.prompt, undefined, "ComfyUI's cut differs");
  const comfy = texts({
    spec: { ...image, toolSampler: { tool: 'comfyui', sampler: 'euler' } },
    toolSampler: tool('comfyui'),
  });
  assert.doesNotMatch(comfy.parameters, /Sampler: /);
  assert.match(
    comfy.parameters,
    /Sampler note: "ComfyUI euler: from an init image A1111 cuts its schedule by the strength its own way, not as ComfyUI does"/,
  );
  // LoadImage and VAEEncode in place of EmptyLatentImage, KSampler's denoise the strength.
  const prompt = JSON.parse(comfy.prompt);
  assert.deepEqual(prompt['10'], {
    inputs: { image: 'cat.png' },
    class_type: 'LoadImage',
    _meta: { title: 'Load Image' },
  });
  assert.deepEqual(prompt['11'].inputs, { pixels: ['10', 0], vae: ['4', 2] });
  assert.equal(prompt['11'].class_type, 'VAEEncode');
  assert.deepEqual([prompt['3'].inputs.latent_image, prompt['3'].inputs.denoise], [['11', 0], 0.6]);
  assert.equal(prompt['5'], undefined);
  const workflow = JSON.parse(comfy.workflow);
  assert.equal(workflow.last_node_id, 11);
  assert.equal(workflow.nodes.find((n: { type: string }) => n.type === 'KSampler').widgets_values[6], 0.6);
  assertLinksJoined(workflow);
  // Leading spacing over 1000 timesteps at 10 steps: A1111's Euler with its DDIM schedule, in text-to-image.
  const euler = {
    _class_name: 'EulerDiscreteScheduler',
    timestep_spacing: 'leading',
    num_train_timesteps: 1000,
    steps_offset: 1,
  };
  // Read back as a ComfyUI PNG: the sampler, the denoise as the strength, and the init image's name.
  const back = restoreFromPngText({ prompt: comfy.prompt })!;
  assert.deepEqual(back.spec.toolSampler, { tool: 'comfyui', sampler: 'euler', schedule: 'normal' });
  assert.deepEqual([back.spec.strength, back.spec.steps], [0.6, 10]);
  assert.match(back.notes!.join(), /"cat\.png" \(ComfyUI's LoadImage\)/);
  const diffusers = texts({ spec: image, scheduler: euler });
  assert.doesNotMatch(diffusers.parameters, /Sampler: /);
  assert.match(
    diffusers.parameters,
    /Sampler note: "EulerDiscreteScheduler: from an init image A1111 cuts .* not as diffusers does"/,
  );
  assert.equal(diffusers.prompt, undefined);
  // Text-to-image with the same scheduler still names A1111's Euler and writes the graph.
  const plain = texts({ spec: { steps: 10 }, scheduler: euler });
  assert.match(plain.parameters, /Sampler: Euler, Schedule type: DDIM, /);
  assert.notEqual(plain.prompt, undefined);
});

test("a ComfyUI inpainting run writes SetLatentNoiseMask with its mask's LoadImageMask, and reads it back", () => {
  const spec = {
    initImage: '/in/cat.png',
    mask: '/in/right-half.png',
    strength: 1,
    steps: 10,
    toolSampler: { tool: 'comfyui' as const, sampler: 'euler', schedule: 'karras' },
  };
  const toolSampler = {
    ...tool('comfyui'),
    a1111: { sampler: 'Euler', scheduleType: 'Karras' },
    comfyui: { samplerName: 'euler', scheduler: 'karras' },
  };
  const texts = pngTextChunks(buildRunRecords(new Date(0), sampleInfo({ spec, toolSampler }))[0]);
  // LoadImage → VAEEncode → SetLatentNoiseMask (with LoadImageMask's red channel: white repaints) → KSampler.
  const prompt = JSON.parse(texts.prompt);
  assert.deepEqual(prompt['12'].inputs, { image: 'right-half.png', channel: 'red' });
  assert.equal(prompt['12'].class_type, 'LoadImageMask');
  assert.deepEqual(prompt['13'].inputs, { samples: ['11', 0], mask: ['12', 0] });
  assert.equal(prompt['13'].class_type, 'SetLatentNoiseMask');
  assert.deepEqual(prompt['3'].inputs.latent_image, ['13', 0]);
  const workflow = JSON.parse(texts.workflow);
  assert.equal(workflow.last_node_id, 13);
  assertLinksJoined(workflow);
  const back = restoreFromPngText({ prompt: texts.prompt })!;
  assert.deepEqual([back.spec.strength, back.spec.toolSampler?.sampler], [1, 'euler']);
  assert.deepEqual(back.notes, [
    'it started from "cat.png" (ComfyUI\'s LoadImage): choose that image to run from it',
    'it inpainted with the mask "right-half.png" (ComfyUI\'s LoadImageMask): choose it as the mask',
  ]);
});

test('with InpaintModelConditioning the graph has that node between the prompts, image and mask, and KSampler', () => {
  const spec = {
    initImage: '/in/cat.png',
    mask: '/in/right-half.png',
    strength: 1,
    steps: 10,
    prompt: 'a cat',
    negativePrompt: 'blurry',
    inpaintNode: 'InpaintModelConditioning' as const,
    toolSampler: { tool: 'comfyui' as const, sampler: 'euler', schedule: 'karras' },
  };
  const toolSampler = { ...tool('comfyui'), comfyui: { samplerName: 'euler', scheduler: 'karras' } };
  const texts = pngTextChunks(buildRunRecords(new Date(0), sampleInfo({ spec, toolSampler }))[0]);
  const prompt = JSON.parse(texts.prompt);
  assert.equal(prompt['14'].class_type, 'InpaintModelConditioning');
  assert.deepEqual(prompt['14'].inputs, {
    positive: ['6', 0],
    negative: ['7', 0],
    vae: ['4', 2],
    pixels: ['10', 0],
    mask: ['12', 0],
    noise_mask: true,
  });
  const k = prompt['3'].inputs;
  assert.deepEqual(
    [k.positive, k.negative, k.latent_image],
    [
      ['14', 0],
      ['14', 1],
      ['14', 2],
    ],
  );
  assert.equal(prompt['11'], undefined, 'no VAEEncode: the node encodes');
  assert.equal(prompt['13'], undefined, 'no SetLatentNoiseMask');
  const workflow = JSON.parse(texts.workflow);
  assert.equal(workflow.last_node_id, 14);
  assertLinksJoined(workflow);
  const back = restoreFromPngText({ prompt: texts.prompt })!;
  assert.equal(back.spec.inpaintNode, 'InpaintModelConditioning');
  assert.deepEqual([back.spec.prompt, back.spec.negativePrompt], ['a cat', 'blurry']);
  assert.deepEqual(back.notes, [
    'it started from "cat.png" (ComfyUI\'s LoadImage): choose that image to run from it',
    'it inpainted with the mask "right-half.png" (ComfyUI\'s LoadImageMask): choose it as the mask',
  ]);
  const off = JSON.stringify({
    ...prompt,
    14: { ...prompt['14'], inputs: { ...prompt['14'].inputs, noise_mask: false } },
  });
  assert.ok(restoreFromPngText({ prompt: off })!.notes?.includes('its noise_mask is off; ran with it on'));
});

test('with VAEEncodeForInpaint that node encodes the image with the mask and its grow_mask_by, read back', () => {
  const spec = {
    initImage: '/in/cat.png',
    mask: '/in/right-half.png',
    strength: 1,
    steps: 10,
    inpaintNode: 'VAEEncodeForInpaint' as const,
    growMaskBy: 9,
    toolSampler: { tool: 'comfyui' as const, sampler: 'euler', schedule: 'karras' },
  };
  const toolSampler = { ...tool('comfyui'), comfyui: { samplerName: 'euler', scheduler: 'karras' } };
  const texts = pngTextChunks(buildRunRecords(new Date(0), sampleInfo({ spec, toolSampler }))[0]);
  // LoadImage and LoadImageMask → VAEEncodeForInpaint (in VAEEncode's place) → KSampler's latent.
  const prompt = JSON.parse(texts.prompt);
  assert.equal(prompt['11'].class_type, 'VAEEncodeForInpaint');
  assert.deepEqual(prompt['11'].inputs, { pixels: ['10', 0], vae: ['4', 2], mask: ['12', 0], grow_mask_by: 9 });
  assert.deepEqual(prompt['3'].inputs.latent_image, ['11', 0]);
  assert.equal(prompt['13'], undefined, 'no SetLatentNoiseMask');
  const workflow = JSON.parse(texts.workflow);
  const node = workflow.nodes.find((n: { id: number }) => n.id === 11);
  assert.deepEqual([node.type, node.widgets_values], ['VAEEncodeForInpaint', [9]]);
  assert.equal(workflow.last_node_id, 12);
  assertLinksJoined(workflow);
  const back = restoreFromPngText({ prompt: texts.prompt })!;
  assert.deepEqual([back.spec.inpaintNode, back.spec.growMaskBy], ['VAEEncodeForInpaint', 9]);
  // A grow_mask_by past the node's range is not taken (the default then applies).
  const wide = { ...prompt, 11: { ...prompt['11'], inputs: { ...prompt['11'].inputs, grow_mask_by: 65 } } };
  const read = restoreFromPngText({ prompt: JSON.stringify(wide) })!;
  assert.deepEqual([read.spec.inpaintNode, read.spec.growMaskBy], ['VAEEncodeForInpaint', undefined]);
  // Without a grow in the spec, the record writes the node's default.
  const { growMaskBy: _g, ...plain } = spec;
  const defaulted = pngTextChunks(buildRunRecords(new Date(0), sampleInfo({ spec: plain, toolSampler }))[0]);
  assert.equal(JSON.parse(defaulted.prompt)['11'].inputs.grow_mask_by, 6);
});

/** What a run of `t`'s euler reports it ran (RunInfo.toolSampler), with the tools' names for it. */
function tool(t: 'a1111' | 'comfyui') {
  return {
    tool: t,
    sampler: 'euler',
    noise: t,
    sigmas: [14.6, 1, 0],
    a1111: { sampler: 'Euler', scheduleType: 'Automatic' },
    comfyui: { samplerName: 'euler', scheduler: 'normal' },
  };
}

/** Every link of a UI-format workflow is on the output slot it leaves and the input slot it enters. */
function assertLinksJoined(workflow: { links: number[][]; nodes: any[] }): void {
  for (const [id, from, fromSlot, to, toSlot] of workflow.links) {
    const byId = (n: number) => workflow.nodes.find((x: { id: number }) => x.id === n);
    assert.ok(byId(from).outputs[fromSlot].links.includes(id), `link ${id} from ${from}`);
    assert.equal(byId(to).inputs[toSlot].link, id, `link ${id} to ${to}`);
  }
}

test('re-run prefers the full record, and falls back to A1111 text', () => {
  const [, second] = buildRunRecords(new Date(0), info);
  const ours = restoreFromPngText(pngTextChunks(second));
  assert.equal(ours?.source, 'diffusion-lab');
  assert.equal(ours?.spec.scheduler?.timestep_spacing, 'leading');
  assert.equal(ours?.spec.seed, 12, "the image's own seed");
  assert.equal(ours?.model.dir, '/m/tiny');

  const theirs = restoreFromPngText({
    parameters:
      'a cat\nNegative prompt: dog\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5, Seed: 3484050600, Size: 832x1216, Model hash: 4fc2b075ab, Model: animaXL_v10, Version: v1.10.0',
  });
  assert.equal(theirs?.source, 'a1111');
  assert.deepEqual(theirs?.spec.toolSampler, { tool: 'a1111', sampler: 'DPM++ 2M', schedule: 'Karras' });
  assert.equal(theirs?.spec.seed, 3484050600);
  assert.equal(restoreFromPngText({ Software: 'GIMP' }), undefined);
  assert.equal(
    restoreFromPngText({ parameters: 'x\nSteps: 1, Sampler: DDIM CFG++, Seed: 1' })?.unknownSampler,
    'DDIM CFG++',
  );
  // A missing Schedule type is A1111's Automatic: left out, so it resolves as A1111 reads it.
  const legacy = restoreFromPngText({ parameters: 'x\nSteps: 1, Sampler: DPM++ 2M Karras, Seed: 1' });
  assert.deepEqual(legacy?.spec.toolSampler, { tool: 'a1111', sampler: 'DPM++ 2M Karras' });
});

test('a first-format record (flat, diffusion-lab.run/1) is read as the current one', () => {
  const v1 = {
    format: 'diffusion-lab.run/1',
    createdAt: '2026-01-01T00:00:00.000Z',
    prompt: 'old',
    negativePrompt: '',
    seed: 8,
    batchIndex: 1,
    batchSize: 2,
    steps: 20,
    guidanceScale: 3,
    guidanceRescale: 0,
    width: 64,
    height: 64,
    model: { dir: '/m/x', name: 'x', hash: 'h', kind: 'text2img' },
    scheduler: { _class_name: 'DDIMScheduler' },
    timesteps: [999, 500],
    provider: 'cpu',
    providerFallbacks: [],
    timings: { loadMs: 0, textEncoderMs: 1, unetStepMs: [], unetRunMs: [], vaeMs: 1, totalMs: 2 },
  };
  const r = parseRecord(JSON.stringify(v1))!;
  assert.equal(r.format, 'diffusion-lab.run/2');
  assert.equal(r.spec.seed, 7, "the batch's first seed");
  assert.equal(r.seed, 8);
  assert.deepEqual(r.spec.timesteps, [999, 500]);
  assert.equal(r.ran.scheduler._class_name, 'DDIMScheduler');
  assert.equal(parseRecord('{"format":"other"}'), undefined);
  assert.equal(parseRecord('not json'), undefined);
});

test('an image-to-image record carries its input files and writes and restores A1111 Denoising strength and Mask blur', () => {
  const spec = { initImage: '/in/cat.png', strength: 0.6, mask: '/in/mask.png', maskBlur: 4 };
  const inputs = {
    initImage: { path: '/in/cat.png', sha256: 'a'.repeat(64), width: 100, height: 80 },
    mask: { path: '/in/mask.png', sha256: 'b'.repeat(64), width: 100, height: 80 },
  };
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec }), inputs);
  assert.deepEqual(record.inputs, inputs);
  const texts = pngTextChunks(record);
  assert.match(
    texts.parameters,
    /Model: tiny-shapes, Denoising strength: 0\.6, Mask blur: 4, .*Version: Diffusion Lab$/,
  );
  const ours = restoreFromPngText(texts);
  assert.deepEqual(
    [ours?.spec.initImage, ours?.spec.strength, ours?.spec.mask, ours?.spec.maskBlur],
    ['/in/cat.png', 0.6, '/in/mask.png', 4],
  );
  const theirs = restoreFromPngText({ parameters: texts.parameters });
  assert.deepEqual([theirs?.spec.strength, theirs?.spec.maskBlur], [0.6, 4]);
  // A text-to-image record states neither.
  const [plain] = buildRunRecords(new Date(0), sampleInfo());
  assert.equal(plain.inputs, undefined);
  assert.doesNotMatch(pngTextChunks(plain).parameters, /Denoising strength|Mask blur/);
});

test("A1111's masked content: written as A1111 writes it (not for original) and restored from its text", () => {
  const spec = { initImage: '/in/cat.png', mask: '/in/mask.png', maskBlur: 4, maskedContent: 'latent noise' as const };
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec }));
  const texts = pngTextChunks(record);
  assert.match(texts.parameters, /Mask blur: 4, .*Masked content: latent noise, /);
  assert.equal(restoreFromPngText(texts)?.spec.maskedContent, 'latent noise');
  assert.equal(restoreFromPngText({ parameters: texts.parameters })?.spec.maskedContent, 'latent noise');
  const [original] = buildRunRecords(new Date(0), sampleInfo({ spec: { ...spec, maskedContent: 'original' } }));
  assert.doesNotMatch(pngTextChunks(original).parameters, /Masked content/);
  const nothing = 'a cat\nSteps: 20, Sampler: Euler a, Seed: 1, Size: 64x64, Masked content: latent nothing';
  assert.equal(restoreFromPngText({ parameters: nothing })?.spec.maskedContent, 'latent nothing');
  assert.equal(
    restoreFromPngText({ parameters: nothing.replace('latent nothing', 'fill') })?.spec.maskedContent,
    'fill',
  );
  // A value A1111 does not have restores as original, with a note.
  const restored = restoreFromPngText({ parameters: nothing.replace('latent nothing', 'smudge') });
  assert.equal(restored?.spec.maskedContent, undefined);
  assert.ok(
    restored?.notes?.some((n) => /masked content "smudge" is not run here: original/.test(n)),
    `${restored?.notes}`,
  );
});

test('A1111\'s inpaint area "Only masked": written as A1111 writes it and restored from its text', () => {
  const spec = { initImage: '/in/cat.png', mask: '/in/mask.png', inpaintArea: 'only masked' as const };
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec }));
  const texts = pngTextChunks(record);
  assert.match(texts.parameters, /Inpaint area: Only masked, Masked area padding: 32, /);
  const restored = restoreFromPngText({ parameters: texts.parameters })?.spec;
  assert.deepEqual([restored?.inpaintArea, restored?.maskPadding], ['only masked', 32]);
  const [padded] = buildRunRecords(new Date(0), sampleInfo({ spec: { ...spec, maskPadding: 4 } }));
  assert.equal(restoreFromPngText(pngTextChunks(padded))?.spec.maskPadding, 4);
  const [whole] = buildRunRecords(new Date(0), sampleInfo({ spec: { ...spec, inpaintArea: 'whole picture' } }));
  assert.doesNotMatch(pngTextChunks(whole).parameters, /Inpaint area|Masked area padding/);
  const odd = texts.parameters.replace('Masked area padding: 32', 'Masked area padding: 9000');
  assert.deepEqual(restoreFromPngText({ parameters: odd })?.spec.maskPadding, undefined);
  // A blank mask ran image-to-image, as in A1111: neither the area's keys nor the mask's masked content.
  const image = { sourceWidth: 96, sourceHeight: 64, latent: 'posterior-mean', strength: 0.75, beginIndex: 5 } as const;
  const content = { ...spec, maskedContent: 'latent noise' as const };
  const ran = (mode: 'img2img' | 'inpaint', resize: 'stretch-lanczos3' | 'only-masked') =>
    pngTextChunks(buildRunRecords(new Date(0), sampleInfo({ spec: content, image: { ...image, mode, resize } }))[0]);
  assert.doesNotMatch(ran('img2img', 'stretch-lanczos3').parameters, /Inpaint area|Masked area padding|Masked content/);
  assert.match(ran('inpaint', 'only-masked').parameters, /Masked content: latent noise, Inpaint area: Only masked, /);
});

test('a varied image carries its own variation seed, in A1111 text and in the record', () => {
  const varied = sampleInfo({ spec: { subseed: 40, subseedStrength: 0.25 }, seeds: [11, 11] });
  const [, second] = buildRunRecords(new Date(0), varied);
  const texts = pngTextChunks(second);
  assert.match(texts.parameters, /Seed: 11, .*Variation seed: 41, Variation seed strength: 0\.25/);
  const ours = restoreFromPngText(texts);
  assert.deepEqual([ours?.spec.seed, ours?.spec.subseed, ours?.spec.subseedStrength], [11, 41, 0.25]);
  const theirs = restoreFromPngText({ parameters: texts.parameters });
  assert.deepEqual([theirs?.spec.subseed, theirs?.spec.subseedStrength], [41, 0.25]);
  assert.doesNotMatch(pngTextChunks(buildRunRecords(new Date(0), info)[0]).parameters, /Variation/);
});

test('an eta noise seed delta is written as A1111 ENSD, after the model, and restores from either text', () => {
  const [record] = buildRunRecords(new Date(0), sampleInfo({ spec: { etaNoiseSeedDelta: 31337 } }));
  const texts = pngTextChunks(record);
  assert.match(texts.parameters, /, Model: tiny-shapes, ENSD: 31337, .*RNG: CPU, /);
  assert.equal(restoreFromPngText(texts)?.spec.etaNoiseSeedDelta, 31337);
  assert.equal(restoreFromPngText({ parameters: texts.parameters })?.spec.etaNoiseSeedDelta, 31337);
  assert.doesNotMatch(pngTextChunks(buildRunRecords(new Date(0), info)[0]).parameters, /ENSD/);
  // A1111 text with ENSD 0 or junk states none.
  for (const value of ['0', 'x', '1.5'])
    assert.ok(
      !('etaNoiseSeedDelta' in restoreFromPngText({ parameters: `p\nSteps: 9, Seed: 1, ENSD: ${value}` })!.spec),
    );
});

test('a refined image writes A1111 Refiner and Refiner switch at; its record restores the refiner, A1111 text a note', () => {
  const refiner = { dir: '/m/xl-refiner', name: 'xl-refiner', hash: '0123456789abcdef', switchAt: 0.7 };
  const spec = { refiner: refiner.dir, refinerSwitchAt: 0.7 };
  const [record] = buildRunRecords(
    new Date(0),
    sampleInfo({ spec, refiner: { ...refiner, baseSteps: 7, refinerSteps: 3 } }),
  );
  const texts = pngTextChunks(record);
  assert.match(texts.parameters, /, Refiner: xl-refiner \[0123456789\], Refiner switch at: 0\.7, /);
  const ours = restoreFromPngText(texts);
  assert.deepEqual([ours?.spec.refiner, ours?.spec.refinerSwitchAt], ['/m/xl-refiner', 0.7]);
  const theirs = restoreFromPngText({ parameters: texts.parameters });
  assert.equal(theirs?.spec.refiner, undefined, 'a checkpoint name is not a folder');
  assert.deepEqual(theirs?.notes, [
    "refined with xl-refiner [0123456789], switching at 0.7: give that refiner's folder to refine the re-run",
  ]);
  assert.doesNotMatch(pngTextChunks(buildRunRecords(new Date(0), info)[0]).parameters, /Refiner/);
});

test("our record remakes its image exactly: the run's spec with the image's own seed, alone, the scheduler that ran", () => {
  const [, second] = buildRunRecords(new Date(0), info);
  const spec = remakeSpec(restoreFromPngText(pngTextChunks(second))!)!;
  assert.deepEqual(spec, {
    ...second.spec,
    modelDir: '/m/tiny',
    seed: 12,
    subseed: second.spec.subseed,
    batchSize: 1,
    scheduler: second.ran.scheduler,
  });
  const a1111 = restoreFromPngText({ parameters: pngTextChunks(second).parameters })!;
  assert.equal(remakeSpec(a1111), undefined, "another tool's text only fills a form");
});
