// Which tool's way of drawing noise a run follows, and the per-image seeds each tool derives from
// the run seed. All three draw from PyTorch's CPU generator (TorchGenerator); they differ in how
// many generators there are, how they are seeded and in what order tensors are drawn.
import { numel } from '../tensor/tensor';

export type NoiseConvention = 'diffusers' | 'a1111' | 'comfyui';
export const NOISE_CONVENTIONS: readonly NoiseConvention[] = ['diffusers', 'a1111', 'comfyui'];

export type NoiseSeed = number | bigint;

/** What decides a run's noise. */
export interface NoiseRunSpec {
  convention: NoiseConvention;
  seed: NoiseSeed;
  /** One image's latent shape, e.g. [4, 64, 64]; the run's latents are [batchSize, ...imageShape]. */
  imageShape: readonly number[];
  batchSize: number;
  /** A1111's variation seed ("Variation seed"): image i blends in the noise of subseed + i. */
  subseed?: NoiseSeed;
  /** A1111's "Variation strength" in [0, 1]; when it is not 0 every image keeps the main seed. */
  subseedStrength?: number;
  /** A1111's "Eta noise seed delta" (ENSD) setting: sampler noise comes from seed + delta. */
  etaNoiseSeedDelta?: number;
  /** ComfyUI's latent `batch_index`: image i gets the noise of index batchIndex[i]. */
  batchIndex?: readonly number[];
}

/** Checks a spec and names what is wrong. */
export function checkNoiseRunSpec(spec: NoiseRunSpec): void {
  if (!NOISE_CONVENTIONS.includes(spec.convention)) {
    throw new RangeError(`unknown noise convention "${spec.convention}" (expected ${NOISE_CONVENTIONS.join(', ')})`);
  }
  checkSeed(spec.seed, 'seed');
  if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1) {
    throw new RangeError(`invalid batch size ${spec.batchSize}`);
  }
  if (spec.imageShape.length === 0 || !spec.imageShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`invalid image shape [${spec.imageShape.join(', ')}]`);
  }
  const a1111Only = [spec.subseed, spec.subseedStrength, spec.etaNoiseSeedDelta].some((v) => v !== undefined);
  if (a1111Only && spec.convention !== 'a1111') {
    throw new RangeError('subseed, subseedStrength and etaNoiseSeedDelta belong to the a1111 noise convention');
  }
  if (spec.batchIndex !== undefined && spec.convention !== 'comfyui') {
    throw new RangeError('batchIndex belongs to the comfyui noise convention');
  }
  checkA1111Options(spec);
  checkBatchIndex(spec);
}

function checkA1111Options(spec: NoiseRunSpec): void {
  const strength = spec.subseedStrength ?? 0;
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`subseedStrength must be in [0, 1], got ${strength}`);
  if (strength !== 0 && spec.subseed === undefined) throw new RangeError('subseedStrength needs a subseed');
  if (spec.subseed !== undefined) checkSeed(spec.subseed, 'subseed');
  if (spec.etaNoiseSeedDelta !== undefined && !Number.isSafeInteger(spec.etaNoiseSeedDelta)) {
    throw new RangeError(`etaNoiseSeedDelta must be an integer, got ${spec.etaNoiseSeedDelta}`);
  }
}

function checkBatchIndex(spec: NoiseRunSpec): void {
  const index = spec.batchIndex;
  if (index === undefined) return;
  if (index.length !== spec.batchSize) {
    throw new RangeError(`batchIndex has ${index.length} entries for a batch of ${spec.batchSize}`);
  }
  if (!index.every((i) => Number.isSafeInteger(i) && i >= 0)) {
    throw new RangeError(`batchIndex entries must be non-negative integers, got [${index.join(', ')}]`);
  }
}

function checkSeed(seed: NoiseSeed, what: string): void {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`${what} must be an integer (a bigint beyond 2^53), got ${seed}`);
  }
}

export function addSeed(seed: NoiseSeed, delta: number): bigint {
  return BigInt(seed) + BigInt(delta);
}

/** A1111's p.all_seeds for one batch (modules/processing.py): seed + i, or the seed itself for every
 * image when a variation strength is set. */
export function a1111ImageSeeds(spec: NoiseRunSpec): bigint[] {
  const varied = (spec.subseedStrength ?? 0) !== 0;
  return Array.from({ length: spec.batchSize }, (_, i) => addSeed(spec.seed, varied ? 0 : i));
}

export function imageSize(spec: NoiseRunSpec): number {
  return numel(spec.imageShape);
}

export function batchShape(spec: NoiseRunSpec): number[] {
  return [spec.batchSize, ...spec.imageShape];
}
