// Messages between the extension host and the forward-process view. The host reads the image file
// (decoded, downsized, as RGBA) and the schedule document it follows; the webview draws x_t with the
// core. The webview never names a file: the PNG strip it exports is saved by the host.
import { FORWARD_LATENT_LIMITS, type PreviewImage } from './engine';
import type { ScheduleEntry } from './schedule';
import { imageFormat } from '../core/image/imageFormat';

export interface ForwardImage {
  /** The file's name, for titles and the export's name. */
  label: string;
  width: number;
  height: number;
  /** 8-bit RGBA, width·height·4 bytes. */
  rgba: Uint8Array;
  /** The file's own size when it was downsized to fit (see downsizeRule). */
  original?: { width: number; height: number };
}

/** The schedules drawn side by side: a followed document's, or none for the default set. */
export interface ForwardSchedules {
  /** The document's name, or undefined for the default set. */
  label?: string;
  schedules: ScheduleEntry[];
  /** Set when the document cannot be read (the last good schedules stay). */
  error?: string;
}

export type HostToForward =
  | { type: 'image'; image: ForwardImage }
  /** After every edit of a followed document (debounced) and on 'ready'. */
  | { type: 'schedules'; version: number; source: ForwardSchedules }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** The answer to 'latent': each level's x_t decoded by the model's VAE, and as its latent preview. */
  | { type: 'latentFrames'; request: number; model: string; images: PreviewImage[]; previews: PreviewImage[] }
  | { type: 'latentFailed'; request: number; message: string };

/** z_t = signal·z_0 + noise·ε: √ᾱ_t and √(1 − ᾱ_t) of one picture. */
export interface NoiseWeights {
  signal: number;
  noise: number;
}

export type ForwardToHost =
  | { type: 'ready' }
  /** Save the PNG strip; the host asks where (a new file only) and checks the bytes are a PNG. */
  | { type: 'export'; fileName: string; bytes: Uint8Array }
  /** x_t of the image in the model's latent space at these levels (one per picture), noise from `seed`. */
  | { type: 'latent'; request: number; seed: number; levels: NoiseWeights[] };

/** The largest strip the host accepts (a row of 512² panels is a few MB). */
export const MAX_FORWARD_EXPORT_BYTES = 256 * 1024 * 1024;

/** Host-side check of a message from the webview (untrusted input): the message, or why not. */
export function parseForwardMessage(value: unknown): ForwardToHost | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'export':
      if (typeof m.fileName !== 'string' || m.fileName.length === 0) return 'export without a file name';
      if (!(m.bytes instanceof Uint8Array)) return 'export without bytes';
      if (m.bytes.length > MAX_FORWARD_EXPORT_BYTES) return `export of ${m.bytes.length} bytes is too large`;
      if (imageFormat(m.bytes) !== 'png') return 'export bytes are not a PNG file';
      return { type: 'export', fileName: m.fileName, bytes: m.bytes };
    case 'latent':
      return parseLatentRequest(m);
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}

function parseLatentRequest(m: Record<string, unknown>): ForwardToHost | string {
  const whole = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  if (!whole(m.request, Number.MAX_SAFE_INTEGER)) return 'latent request without a request number';
  if (!whole(m.seed, FORWARD_LATENT_LIMITS.seed)) return 'latent request with a bad seed';
  const unit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
  const levels = m.levels;
  const max = FORWARD_LATENT_LIMITS.levels;
  if (!Array.isArray(levels) || levels.length < 1 || levels.length > max)
    return `latent request needs 1 to ${max} levels`;
  const ok = levels.every((l: unknown) => {
    const w = l as Partial<NoiseWeights> | null;
    return typeof w === 'object' && w !== null && unit(w.signal) && unit(w.noise);
  });
  if (!ok) return 'latent levels must be { signal, noise } in [0, 1]';
  const weights = (levels as NoiseWeights[]).map(({ signal, noise }) => ({ signal, noise }));
  return { type: 'latent', request: m.request as number, seed: m.seed as number, levels: weights };
}
