// Bad model folders and bad runs give errors that name the problem; the engine survives them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineError } from '../../../src/runs/engineClient';
import { copyModel, model, request, startEngine } from './fixtures';
import { autoProviders } from '../../../src/engine/providers';

const engine = startEngine();
after(() => engine.dispose());

function fails(code: string, pattern: RegExp) {
  return (e: EngineError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('a missing folder or file is named', async () => {
  await assert.rejects(
    engine.generate(request({ modelDir: '/nonexistent/model' })),
    fails('MODEL_INVALID', /\/nonexistent\/model does not exist/),
  );
  for (const file of [
    'unet/model.onnx',
    'vae_decoder/model.onnx',
    'text_encoder/model.onnx',
    'scheduler/scheduler_config.json',
  ]) {
    const dir = copyModel('tiny-sd');
    rmSync(join(dir, file));
    await assert.rejects(
      engine.generate(request({ modelDir: dir })),
      fails('MODEL_INVALID', new RegExp(`missing .*${file}`)),
    );
  }
  const dir = copyModel('tiny-sd');
  rmSync(join(dir, 'tokenizer', 'merges.txt'));
  await assert.rejects(engine.generate(request({ modelDir: dir })), fails('MODEL_INVALID', /merges\.txt/));
  const noTokenizer = copyModel('tiny-sd');
  rmSync(join(noTokenizer, 'tokenizer'), { recursive: true });
  await assert.rejects(
    engine.generate(request({ modelDir: noTokenizer })),
    fails('MODEL_INVALID', /missing .*tiny-sd\/tokenizer \(the prompt tokenizer\)/),
  );
});

test('a corrupt .onnx file or config is named', async () => {
  const dir = copyModel('tiny-sd');
  writeFileSync(join(dir, 'unet', 'model.onnx'), 'not a model');
  await assert.rejects(
    engine.generate(request({ modelDir: dir })),
    fails('MODEL_INVALID', /cannot load .*unet\/model\.onnx/),
  );
  const dir2 = copyModel('tiny-sd');
  writeFileSync(join(dir2, 'scheduler', 'scheduler_config.json'), '{ nope');
  await assert.rejects(
    engine.generate(request({ modelDir: dir2 })),
    fails('MODEL_INVALID', /scheduler_config\.json is not valid JSON/),
  );
});

test('a component with the wrong inputs lists what was expected and what was found', async () => {
  const dir = copyModel('tiny-sd');
  cpSync(model('tiny-ddpm/unet/model.onnx'), join(dir, 'unet', 'model.onnx'));
  await assert.rejects(
    engine.generate(request({ modelDir: dir })),
    fails(
      'MODEL_INVALID',
      /unet\/model\.onnx does not fit: expected sample, timestep, encoder_hidden_states → out_sample; found sample \[batch, 3, 16, 16\] float32, timestep \[\] float32 → out_sample/,
    ),
  );
  const dir2 = copyModel('tiny-sd');
  cpSync(model('tiny-sd/unet/model.onnx'), join(dir2, 'vae_decoder', 'model.onnx'));
  await assert.rejects(
    engine.generate(request({ modelDir: dir2 })),
    fails('MODEL_INVALID', /vae_decoder\/model\.onnx does not fit: expected latent_sample → sample/),
  );
});

test('NaN in the UNet output stops the run and names the step', async () => {
  const dir = copyModel('tiny-sd');
  cpSync(model('broken/nan-unet/unet/model.onnx'), join(dir, 'unet', 'model.onnx'));
  // Timesteps 751, 501, 251, 1: the broken UNet returns NaN once t < 500.
  await assert.rejects(engine.generate(request({ modelDir: dir })), (e: EngineError) => {
    assert.equal(e.code, 'NAN_OUTPUT');
    assert.equal(e.step, 2);
    assert.match(e.message, /step 3 of 4 \(timestep 251\)/);
    return true;
  });
});

test('a NaN run names its config warnings, the likely cause (zero terminal SNR with an ε-model under DDIM)', async () => {
  const scheduler = { _class_name: 'DDIMScheduler', rescale_betas_zero_snr: true, timestep_spacing: 'trailing' };
  await assert.rejects(engine.generate(request({ scheduler })), (e: EngineError) => {
    assert.equal(e.code, 'NAN_OUTPUT');
    assert.match(e.message, /^the DDIMScheduler step returned NaN or Inf at step 1 of 4 \(timestep 999\)\. This run's/);
    assert.match(
      e.message,
      /warning: scheduler config prediction_type: With zero terminal SNR an epsilon-prediction model/,
    );
    return true;
  });
  // Without a warning the message is the step's alone.
  const dir = copyModel('tiny-sd');
  cpSync(model('broken/nan-unet/unet/model.onnx'), join(dir, 'unet', 'model.onnx'));
  await assert.rejects(engine.generate(request({ modelDir: dir })), (e: EngineError) => {
    assert.doesNotMatch(e.message, /This run's/);
    return true;
  });
});

test('bad parameters are refused before inference', async () => {
  const cases: [object, RegExp][] = [
    [{ steps: 0 }, /steps must be/],
    [{ seed: -1 }, /seed −1 \(random\) is drawn by the caller/],
    [{ seed: -2 }, /seed must be/],
    [{ height: 20 }, /height 20 is not a multiple of 8/],
    [{ batchSize: 0 }, /batch size/],
    [{ guidanceRescale: 2 }, /guidance rescale/],
    [{ width: 8192 }, /width must be a whole number from 1 to 4096/],
    [{ width: 4 }, /width must be at least 8/],
    [{ width: 4096, height: 4096, batchSize: 8 }, /128 megapixels, more than the 64/],
  ];
  cases.push([
    { steps: 200, scheduler: { _class_name: 'DDIMScheduler', num_train_timesteps: 100 } },
    /DDIMScheduler cannot take 200 steps/,
  ]);
  // The class once, the step count in words.
  cases.push([
    { steps: 1, scheduler: { _class_name: 'PNDMScheduler' } },
    /^PNDMScheduler cannot take 1 step: Runge–Kutta warm-up needs at least 4 steps/,
  ]);
  for (const [change, pattern] of cases)
    await assert.rejects(engine.generate(request(change)), fails('BAD_REQUEST', pattern));
  await assert.rejects(
    engine.generate(request({ modelDir: model('tiny-sd-legacy'), preview: { every: 1, kind: 'taesd' } })),
    fails('BAD_REQUEST', /no taesd_decoder/),
  );
});

test('changed model files are picked up by the next run', async () => {
  const dir = copyModel('tiny-sd');
  await engine.generate(request({ modelDir: dir }));
  cpSync(model('broken/nan-unet/unet/model.onnx'), join(dir, 'unet', 'model.onnx'));
  await assert.rejects(engine.generate(request({ modelDir: dir })), fails('NAN_OUTPUT', /NaN/));
  await engine.unload(dir);
});

test('a named provider that cannot start is reported, not silently replaced', async () => {
  const absent = (['dml', 'coreml', 'cuda'] as const).find((p) => !autoProviders().includes(p))!;
  await assert.rejects(
    engine.generate(request({ provider: absent })),
    fails('PROVIDER_FAILED', new RegExp(`the ${absent} execution provider could not start`)),
  );
  const auto = await engine.generate(request({ provider: 'auto' }));
  assert.ok(autoProviders().includes(auto.info.provider));
  assert.deepEqual(
    auto.info.providerFallbacks.map((f) => f.provider),
    autoProviders().slice(0, autoProviders().indexOf(auto.info.provider)),
  );
});

test('a text encoder and UNet from different models are refused with both widths', async () => {
  const dir = copyModel('tiny-sd');
  // The shipped default model's UNet takes wider hidden states than the tiny test model's text encoder gives.
  cpSync(
    join(__dirname, '..', '..', '..', 'models', 'tiny-shapes', 'unet', 'model.onnx'),
    join(dir, 'unet', 'model.onnx'),
  );
  await assert.rejects(
    engine.generate(request({ modelDir: dir })),
    fails(
      'MODEL_INVALID',
      /text_encoder\/model\.onnx gives 32-wide hidden states but unet\/model\.onnx takes (?!32)\d+ \(text encoder and UNet come from different models\)/,
    ),
  );
});
