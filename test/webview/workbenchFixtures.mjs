// The workbench form and snapshot the webview tests start from; each test states only what it changes.

const FORM = {
  prompt: 'a red circle',
  negativePrompt: '',
  seed: '-1',
  steps: '4',
  guidanceScale: '7.5',
  sampler: '',
  spacing: 'default',
  originalSize: '',
  cropTopLeft: '',
  targetSize: '',
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

const a1111 = (sampler, schedule, more = {}) => ({
  id: `a1111:${sampler}:${schedule ?? ''}`,
  group: 'a1111',
  label: schedule ? `${sampler} ${schedule}` : sampler,
  toolSampler: { tool: 'a1111', sampler, ...(schedule && { schedule }) },
  ...more,
});
const diffusers = (className, detail) => ({
  id: className,
  group: 'diffusers',
  label: className,
  ...(detail && { detail }),
  scheduler: { _class_name: className },
  spacing: true,
});

/** A few sampler picker entries in the host's shape (src/extension/workbench/samplerOptions.ts). */
export const SAMPLERS = [
  { id: '', group: 'model', label: "Model's own scheduler", spacing: true },
  a1111('DPM++ 2M'),
  a1111('DPM++ 2M', 'Karras'),
  a1111('DPM++ 2M SDE', 'Karras'),
  a1111('Euler a'),
  a1111('DDIM CFG++', undefined, { unavailable: 'needs the unconditional ε (CFG++), not a plain denoiser' }),
  {
    id: 'comfyui:dpmpp_2m:karras',
    group: 'comfyui',
    label: 'dpmpp_2m · karras',
    toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'karras' },
  },
  diffusers('DDIMScheduler'),
  diffusers('EulerDiscreteScheduler', 'A1111 Euler'),
  {
    ...diffusers('EulerDiscreteScheduler', 'A1111 Euler'),
    id: 'EulerDiscreteScheduler · karras σ',
    label: 'EulerDiscreteScheduler · Karras σ',
    scheduler: { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true },
  },
];

/** A form as the host sends it (every value text), with `changes` over the defaults. */
export function workbenchForm(changes = {}) {
  return { ...FORM, ...changes };
}

/** The host's snapshot of an idle workbench. */
export function workbenchSnapshot({ form, models, samplers = SAMPLERS, runs = [] }) {
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

/** Picks a model in the form's Model select as a user would (a change event). */
export async function pickModel(page, id) {
  await page.evaluate((value) => {
    const select = document.querySelector('#param-modelId');
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }, id);
}
