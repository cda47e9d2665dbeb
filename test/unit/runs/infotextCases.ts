// PNG `parameters` texts this project writes, for A1111's own parser (test/fixtures/reference/infotext/
// gen_infotext_fixtures.py reads them from this file's output: `node --import tsx test/unit/runs/infotextCases.ts`).
import type { RunInfo } from '../../../src/protocol/engine';
import { buildRunRecords, pngTextChunks } from '../../../src/runs/runRecord';
import { sampleInfo } from './sampleInfo';

const tool = (t: RunInfo['toolSampler']) => t;

/** Each case: its name and the run; `infotextCases` adds the text. */
const RUNS: [string, RunInfo][] = [
  [
    'A1111 DPM++ 2M Karras',
    sampleInfo({
      spec: {
        prompt: 'a castle, "old": at dusk',
        negativePrompt: 'blurry\nlow quality',
        steps: 25,
        width: 512,
        height: 768,
        toolSampler: { tool: 'a1111', sampler: 'DPM++ 2M Karras' },
      },
      toolSampler: tool({
        tool: 'a1111',
        sampler: 'dpmpp_2m',
        noise: 'a1111',
        sigmas: [],
        a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' },
        comfyui: { samplerName: 'dpmpp_2m', scheduler: 'karras' },
      }),
    }),
  ],
  [
    'ComfyUI euler_ancestral normal',
    sampleInfo({
      spec: {
        steps: 12,
        guidanceScale: 5.5,
        toolSampler: { tool: 'comfyui', sampler: 'euler_ancestral', schedule: 'normal' },
      },
      toolSampler: tool({
        tool: 'comfyui',
        sampler: 'euler_ancestral',
        noise: 'comfyui',
        sigmas: [],
        a1111: { sampler: 'Euler a', scheduleType: 'Normal' },
        comfyui: { samplerName: 'euler_ancestral', scheduler: 'normal' },
      }),
    }),
  ],
  [
    'diffusers DPMSolverMultistepScheduler trailing',
    sampleInfo({
      spec: { steps: 20 },
      scheduler: {
        _class_name: 'DPMSolverMultistepScheduler',
        algorithm_type: 'dpmsolver++',
        solver_order: 2,
        timestep_spacing: 'trailing',
        num_train_timesteps: 1000,
      },
    }),
  ],
  ['diffusers DDIMScheduler', sampleInfo({ spec: { steps: 20 }, scheduler: { _class_name: 'DDIMScheduler' } })],
  [
    'diffusers EulerDiscreteScheduler Karras',
    sampleInfo({
      spec: { steps: 30 },
      scheduler: { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, timestep_spacing: 'linspace' },
    }),
  ],
  [
    'diffusers EDMEulerScheduler (no A1111 sampler)',
    sampleInfo({
      spec: { steps: 25 },
      scheduler: { _class_name: 'EDMEulerScheduler', sigma_schedule: 'exponential', sigma_data: 1 },
    }),
  ],
  [
    'diffusers TCDScheduler (no A1111 sampler)',
    sampleInfo({ spec: { steps: 4 }, scheduler: { _class_name: 'TCDScheduler' } }),
  ],
  [
    'ComfyUI dpmpp_2m beta (no A1111 schedule type)',
    sampleInfo({
      spec: { steps: 20, toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m', schedule: 'beta' } },
      toolSampler: tool({
        tool: 'comfyui',
        sampler: 'dpmpp_2m',
        noise: 'comfyui',
        sigmas: [],
        comfyui: { samplerName: 'dpmpp_2m', scheduler: 'beta' },
      }),
    }),
  ],
];

export function infotextCases(): { name: string; text: string; info: RunInfo }[] {
  return RUNS.map(([name, info]) => ({
    name,
    info,
    text: pngTextChunks(buildRunRecords(new Date(0), info)[0]).parameters,
  }));
}

if (require.main === module) {
  console.log(
    JSON.stringify(
      infotextCases().map(({ name, text }) => ({ name, text })),
      null,
      1,
    ),
  );
}
