// The workbench form and snapshot the webview tests start from; each test states only what it changes.

const FORM = {
  prompt: 'a red circle',
  negativePrompt: '',
  seed: '-1',
  steps: '4',
  guidanceScale: '7.5',
  sampler: '',
  spacing: 'default',
  sigmas: 'default',
  width: '32',
  height: '32',
  batchSize: '1',
  modelId: 'm1',
  subseed: '-1',
  subseedStrength: '0',
  batchCount: '1',
  previewKind: 'latent',
  previewEvery: '1',
};

/** A form as the host sends it (every value text), with `changes` over the defaults. */
export function workbenchForm(changes = {}) {
  return { ...FORM, ...changes };
}

/** The host's snapshot of an idle workbench. */
export function workbenchSnapshot({ form, models, samplers, runs = [] }) {
  return {
    form,
    models,
    samplers,
    provider: { setting: 'auto' },
    runs,
    running: false,
    queue: { waiting: 0, forever: false },
  };
}
