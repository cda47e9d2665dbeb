// Shared helpers for the engine tests: the committed tiny models and an engine run from source.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest, RgbaPixels, RunOptions } from '../../../src/protocol/engine';
import { runSpec, type RunSpec } from '../../../src/protocol/run';
import { EngineClient } from '../../../src/runs/engineClient';
import { engineEntry } from '../../../src/runs/enginePaths';

export const MODELS = join(__dirname, '..', '..', 'fixtures', 'models');

// Engines started by the tests (they inherit this process's environment) keep their optimized graphs in
// a folder of this test file's own, not in the user's cache, which the tests' model copies would churn.
process.env.DIFFUSION_LAB_ORT_CACHE ??= mkdtempSync(join(tmpdir(), 'dl-test-ort-'));

export function model(name: string): string {
  return join(MODELS, name);
}

/** A private copy of a fixture folder that a test may break. */
export function copyModel(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dl-model-')), name);
  cpSync(model(name), dir, { recursive: true });
  return dir;
}

export function startEngine(): EngineClient {
  return new EngineClient({ ...engineEntry() });
}

/** A request on tiny-sd with the spec fields and run options given overriding the defaults. */
export function request(overrides: Partial<RunSpec> & RunOptions = {}): GenerateRequest {
  const { provider = 'cpu', preview, captureLatents, returnTensors, ...spec } = overrides;
  const options: RunOptions = { provider, preview, captureLatents, returnTensors };
  return {
    spec: runSpec({
      modelDir: model('tiny-sd'),
      prompt: 'a photo of a red cat',
      seed: 1,
      steps: 4,
      guidanceScale: 7.5,
      ...spec,
    }),
    options,
  };
}

export function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function meanDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Number of distinct RGB values: a real image has many, a blank one a single value. */
export function distinctColours(rgba: Uint8Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < rgba.length; i += 4) seen.add((rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2]);
  return seen.size;
}

/** A mask whose right half is white (repaint). */
export function halfMask(width: number, height: number): RgbaPixels {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      rgba.set(x >= width / 2 ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * width + x) * 4);
  }
  return { width, height, rgba };
}

/** Mean |a − b| over the RGB of the pixels of a 64-wide image whose column passes `where`. */
export function meanAbs(a: Uint8Array, b: Uint8Array, where: (x: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < a.length / 4; p++) {
    if (!where(p % 64)) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(a[p * 4 + c] - b[p * 4 + c]);
    n += 3;
  }
  return sum / n;
}
