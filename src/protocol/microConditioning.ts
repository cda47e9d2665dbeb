// SDXL micro-conditioning as the workbench form types it (RunSpec.originalSize, cropTopLeft, targetSize):
// "1024×1024" for a size, "0,0" for the crop's top-left corner; empty takes diffusers' default (the image's
// size, (0, 0), the image's size: StableDiffusionXLPipeline.__call__).
import { RUN_LIMITS, type PixelSize, type RunSpec } from './run';

export type MicroKey = 'originalSize' | 'cropTopLeft' | 'targetSize';
export const MICRO_KEYS: readonly MicroKey[] = ['originalSize', 'cropTopLeft', 'targetSize'];

export const MICRO_LABELS: Readonly<Record<MicroKey, string>> = {
  originalSize: 'Original size',
  cropTopLeft: 'Crop top-left',
  targetSize: 'Target size',
};

/** What an empty field means, for an image of width × height. */
export function microDefault(key: MicroKey, width: string, height: string): string {
  return key === 'cropTopLeft' ? '0,0' : `${width}×${height}`;
}

type MicroValue = PixelSize | { x: number; y: number };

/** A field's value (undefined when empty), or why it cannot be read. */
export function parseMicro(key: MicroKey, text: string): { value?: MicroValue; error?: string } {
  const raw = text.trim();
  if (raw === '') return {};
  const crop = key === 'cropTopLeft';
  const label = MICRO_LABELS[key];
  const shape = crop ? 'x,y (pixels from the left and the top)' : 'width×height';
  const m = /^(\d+)\s*[×x*,]\s*(\d+)$/i.exec(raw);
  if (!m) return { error: `${label} must be ${shape}, such as ${crop ? '0,0' : '1024×1024'}; empty: the default.` };
  const [a, b] = [Number(m[1]), Number(m[2])];
  const min = crop ? 0 : 1;
  const { max } = RUN_LIMITS.microConditioning;
  if (a < min || b < min || a > max || b > max) return { error: `${label}: each number from ${min} to ${max}.` };
  return { value: crop ? { x: a, y: b } : { width: a, height: b } };
}

/** The spec fields of the form's micro-conditioning texts; errors by field. */
export function microSpec(texts: Readonly<Record<MicroKey, string>>): {
  spec: Pick<RunSpec, MicroKey>;
  errors: Partial<Record<MicroKey, string>>;
} {
  const spec: Pick<RunSpec, MicroKey> = {};
  const errors: Partial<Record<MicroKey, string>> = {};
  for (const key of MICRO_KEYS) {
    const { value, error } = parseMicro(key, texts[key]);
    if (error) errors[key] = error;
    else if (value) Object.assign(spec, { [key]: value });
  }
  return { spec, errors };
}
