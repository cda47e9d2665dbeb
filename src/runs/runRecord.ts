// The full record of one generated image, built on the host from the spec and what the engine
// reports, saved in the PNG (tEXt `diffusion-lab`, beside A1111's `parameters`) and, when asked,
// as JSON beside it, so the image alone reproduces the run.
import type { RunInfo } from '../protocol/engine';
import { isVaried, type RunSpec } from '../protocol/run';
import { formatParameters, parseParameters, type A1111Parameters } from './a1111Parameters';
import { imageSpec } from './imageSpec';
import { fromA1111Sampler, toA1111Sampler } from './samplerNames';

export const RECORD_FORMAT = 'diffusion-lab.run/2';
/** Records of the first release, flat; still read so older images re-run. */
const RECORD_FORMAT_1 = 'diffusion-lab.run/1';
/** The PNG text keywords: A1111's, and ours with the JSON record. */
export const PARAMETERS_KEY = 'parameters';
export const RECORD_KEY = 'diffusion-lab';

export interface RunRecord {
  format: typeof RECORD_FORMAT;
  /** When the run started, by the host's clock (the one clock of a run). */
  createdAt: string;
  /** The run as it ran: its first seed, defaults resolved. */
  spec: RunInfo['spec'];
  /** This image's seed (spec.seed + batchIndex) and its place in the batch. */
  seed: number;
  batchIndex: number;
  /** What ran: effective scheduler, model, provider, timings. */
  ran: Omit<RunInfo, 'spec' | 'seeds'>;
}

/** One record per image of a finished run. */
export function buildRunRecords(createdAt: Date, info: RunInfo): RunRecord[] {
  const { spec, seeds, ...ran } = info;
  return seeds.map((seed, batchIndex) => ({ format: RECORD_FORMAT, createdAt: createdAt.toISOString(), spec, seed, batchIndex, ran }));
}

export function toA1111(record: RunRecord): A1111Parameters {
  const { sampler, scheduleType } = toA1111Sampler(record.ran.scheduler);
  const { spec } = record;
  return {
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    steps: spec.steps,
    sampler,
    scheduleType,
    cfgScale: spec.guidanceScale,
    seed: record.seed,
    width: spec.width,
    height: spec.height,
    // A1111 shows the first ten hex digits of the weights' SHA-256.
    modelHash: record.ran.model.hash.slice(0, 10) || undefined,
    model: record.ran.model.name,
    // A1111's infotext names a varied image's own variation seed (processing.py create_infotext).
    extra: [...(isVaried(spec) ? variationPairs(spec.subseed! + record.batchIndex, spec.subseedStrength!) : []), ['Version', 'Diffusion Lab']],
  };
}

const VARIATION_SEED = 'Variation seed';
const VARIATION_STRENGTH = 'Variation seed strength';

function variationPairs(subseed: number, strength: number): [string, string][] {
  return [[VARIATION_SEED, String(subseed)], [VARIATION_STRENGTH, String(strength)]];
}

/** The variation seed and strength an A1111 settings line gives, when both are there as numbers. */
function variationOf(extra: [string, string][]): Pick<RunSpec, 'subseed' | 'subseedStrength'> {
  const value = (key: string) => Number(extra.find(([k]) => k === key)?.[1] ?? NaN);
  const [subseed, subseedStrength] = [value(VARIATION_SEED), value(VARIATION_STRENGTH)];
  return Number.isInteger(subseed) && Number.isFinite(subseedStrength) ? { subseed, subseedStrength } : {};
}

/** The text chunks of a saved PNG. The JSON is ASCII-escaped: tEXt holds Latin-1 only. */
export function pngTextChunks(record: RunRecord): Record<string, string> {
  return {
    [PARAMETERS_KEY]: formatParameters(toA1111(record)),
    [RECORD_KEY]: JSON.stringify(record).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  };
}

/** What a PNG says about the run that made it, for "Re-run from Image". */
export interface RestoredRun {
  source: 'diffusion-lab' | 'a1111';
  /** The spec fields the image states; `scheduler` is a config with `_class_name`. */
  spec: Partial<Omit<RunSpec, 'modelDir'>> & Pick<RunSpec, 'prompt' | 'negativePrompt'>;
  /** A sampler name this project does not know (kept so the user can be told). */
  unknownSampler?: string;
  model: { name?: string; hash?: string; dir?: string };
}

/** Reads our record when present, else A1111 parameters; undefined when the PNG has neither. */
export function restoreFromPngText(texts: Record<string, string>): RestoredRun | undefined {
  const record = recordFromPngText(texts);
  if (record) {
    const { modelDir: _dir, batchSize: _batch, ...spec } = record.spec;
    const { name, hash, dir } = record.ran.model;
    // This image's own seeds, so the image alone re-makes it.
    const { seed, subseed } = imageSpec(record, false);
    return { source: 'diffusion-lab', spec: { ...spec, seed, subseed, scheduler: record.ran.scheduler }, model: { name, hash, dir } };
  }
  const text = texts[PARAMETERS_KEY];
  if (text === undefined) return undefined;
  const p = parseParameters(text);
  const choice = p.sampler ? fromA1111Sampler(p.sampler, p.scheduleType) : undefined;
  const spec: RestoredRun['spec'] = {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidanceScale: p.cfgScale,
    width: p.width,
    height: p.height,
    scheduler: choice && { _class_name: choice.className, ...choice.options },
    ...variationOf(p.extra),
  };
  return { source: 'a1111', spec, unknownSampler: p.sampler && !choice ? p.sampler : undefined, model: { name: p.model, hash: p.modelHash } };
}

/** The record a PNG of ours carries in its text chunks. */
export function recordFromPngText(texts: Record<string, string>): RunRecord | undefined {
  return parseRecord(texts[RECORD_KEY]);
}

/** A record from its JSON text, a first-format record brought to the current one; undefined when
 * the text is not a record. */
export function parseRecord(text: string | undefined): RunRecord | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.format === RECORD_FORMAT) return isRecord(v) ? (v as unknown as RunRecord) : undefined;
  return v.format === RECORD_FORMAT_1 ? fromFirstFormat(v) : undefined;
}

function isRecord(v: Record<string, unknown>): boolean {
  const spec = v.spec as Record<string, unknown> | undefined;
  const ran = v.ran as Record<string, unknown> | undefined;
  return typeof spec?.prompt === 'string' && typeof ran?.scheduler === 'object' && typeof ran.model === 'object';
}

/** diffusion-lab.run/1 held the spec and what ran side by side in one flat object. */
function fromFirstFormat(v: Record<string, unknown>): RunRecord | undefined {
  const r = v as Record<string, never>;
  if (typeof v.prompt !== 'string' || typeof v.scheduler !== 'object' || typeof v.model !== 'object') return undefined;
  const model = r.model as RunInfo['model'];
  return {
    format: RECORD_FORMAT,
    createdAt: r.createdAt,
    spec: {
      modelDir: model.dir,
      prompt: r.prompt,
      negativePrompt: r.negativePrompt ?? '',
      seed: (r.seed as number) - ((r.batchIndex as number) ?? 0),
      steps: r.steps,
      guidanceScale: r.guidanceScale,
      guidanceRescale: r.guidanceRescale ?? 0,
      width: r.width,
      height: r.height,
      batchSize: r.batchSize ?? 1,
      ...(v.timesteps !== undefined && { timesteps: r.timesteps }),
      ...(v.sigmas !== undefined && { sigmas: r.sigmas }),
    },
    seed: r.seed,
    batchIndex: r.batchIndex ?? 0,
    ran: {
      scheduler: r.scheduler,
      model,
      provider: r.provider,
      providerFallbacks: r.providerFallbacks ?? [],
      timings: r.timings,
      warnings: [],
      unknownWords: [],
      truncatedTokens: 0,
      promptTokens: 0,
      promptChunks: 0,
    },
  };
}
