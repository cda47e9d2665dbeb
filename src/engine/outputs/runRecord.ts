// The full record of one generated image, saved as JSON beside its PNG and embedded in the PNG
// (tEXt `diffusion-lab`) next to A1111's `parameters`, so the image alone reproduces the run.
import type { RunInfo, RunTimings } from '../../protocol/engine';
import { formatParameters, parseParameters, type A1111Parameters } from './a1111Parameters';
import { fromA1111Sampler, toA1111Sampler } from './samplerNames';

export const RECORD_FORMAT = 'diffusion-lab.run/1';
/** The PNG text keywords: A1111's, and ours with the JSON record. */
export const PARAMETERS_KEY = 'parameters';
export const RECORD_KEY = 'diffusion-lab';

export interface RunRecord {
  format: typeof RECORD_FORMAT;
  createdAt: string;
  prompt: string;
  negativePrompt: string;
  /** The seed of this image; `batchIndex` says where it sat in its batch. */
  seed: number;
  batchIndex: number;
  batchSize: number;
  steps: number;
  guidanceScale: number;
  guidanceRescale: number;
  width: number;
  height: number;
  model: RunInfo['model'];
  /** The scheduler's effective config, `_class_name` included. */
  scheduler: Record<string, unknown>;
  /** The run's explicit inference schedule, when it had one (GenerateRequest.timesteps / sigmas). */
  timesteps?: number[];
  sigmas?: number[];
  provider: string;
  providerFallbacks: RunInfo['providerFallbacks'];
  timings: RunTimings;
}

export interface RecordInput {
  prompt: string;
  negativePrompt: string;
  batchSize: number;
  createdAt: Date;
}

/** One record per image of a finished run. */
export function buildRunRecords(input: RecordInput, info: RunInfo): RunRecord[] {
  return Array.from({ length: input.batchSize }, (_, i) => ({
    format: RECORD_FORMAT,
    createdAt: input.createdAt.toISOString(),
    prompt: input.prompt,
    negativePrompt: input.negativePrompt,
    seed: info.seeds[i] ?? info.seeds[0],
    batchIndex: i,
    batchSize: input.batchSize,
    steps: info.steps,
    guidanceScale: info.guidanceScale,
    guidanceRescale: info.guidanceRescale,
    width: info.width,
    height: info.height,
    model: info.model,
    scheduler: info.scheduler,
    ...(info.timesteps && { timesteps: info.timesteps }),
    ...(info.sigmas && { sigmas: info.sigmas }),
    provider: info.provider,
    providerFallbacks: info.providerFallbacks,
    timings: info.timings,
  }));
}

export function toA1111(record: RunRecord): A1111Parameters {
  const { sampler, scheduleType } = toA1111Sampler(record.scheduler);
  return {
    prompt: record.prompt,
    negativePrompt: record.negativePrompt,
    steps: record.steps,
    sampler,
    scheduleType,
    cfgScale: record.guidanceScale,
    seed: record.seed,
    width: record.width,
    height: record.height,
    // A1111 shows the first ten hex digits of the weights' SHA-256.
    modelHash: record.model.hash.slice(0, 10) || undefined,
    model: record.model.name,
    extra: [['Version', 'Diffusion Lab']],
  };
}

/** The tEXt chunks of a saved PNG. The JSON is ASCII-escaped: tEXt holds Latin-1 only. */
export function pngTextChunks(record: RunRecord): Record<string, string> {
  return {
    [PARAMETERS_KEY]: formatParameters(toA1111(record)),
    [RECORD_KEY]: JSON.stringify(record).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  };
}

/** Parameters recovered from a PNG's text chunks, for "Re-run from image". */
export interface RestoredRun {
  source: 'diffusion-lab' | 'a1111';
  prompt: string;
  negativePrompt: string;
  seed?: number;
  steps?: number;
  guidanceScale?: number;
  width?: number;
  height?: number;
  /** Scheduler class and the options the workbench can set (spacing, σ schedule). */
  scheduler?: { className: string; options: Record<string, unknown> };
  /** A sampler name the workbench does not know (kept so the user can be told). */
  unknownSampler?: string;
  model: { name?: string; hash?: string; dir?: string };
  /** The run's explicit inference schedule, when our record has one. */
  timesteps?: number[];
  sigmas?: number[];
}

/** Reads our record when present, else A1111 parameters; undefined when the PNG has neither. */
export function restoreFromPngText(texts: Record<string, string>): RestoredRun | undefined {
  const record = recordFromPngText(texts);
  if (record) {
    return {
      source: 'diffusion-lab',
      prompt: record.prompt,
      negativePrompt: record.negativePrompt,
      seed: record.seed,
      steps: record.steps,
      guidanceScale: record.guidanceScale,
      width: record.width,
      height: record.height,
      scheduler: { className: String(record.scheduler._class_name ?? ''), options: record.scheduler },
      model: { name: record.model.name, hash: record.model.hash, dir: record.model.dir },
      timesteps: record.timesteps,
      sigmas: record.sigmas,
    };
  }
  const text = texts[PARAMETERS_KEY];
  if (text === undefined) return undefined;
  const p = parseParameters(text);
  const scheduler = p.sampler ? fromA1111Sampler(p.sampler, p.scheduleType) : undefined;
  return {
    source: 'a1111',
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidanceScale: p.cfgScale,
    width: p.width,
    height: p.height,
    scheduler,
    unknownSampler: p.sampler && !scheduler ? p.sampler : undefined,
    model: { name: p.model, hash: p.modelHash },
  };
}

/** The record a PNG of ours carries in its text chunks. */
export function recordFromPngText(texts: Record<string, string>): RunRecord | undefined {
  return parseRecord(texts[RECORD_KEY]);
}

function parseRecord(text: string | undefined): RunRecord | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as RunRecord;
    return value?.format === RECORD_FORMAT && typeof value.prompt === 'string' && typeof value.scheduler === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
