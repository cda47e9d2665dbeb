// PIL's resize of 8-bit images in its integer steps (Pillow 9.4, libImaging/Resample.c): what `Image.resize`
// gives, bit for bit, where A1111 and diffusers call it (init images and masks by Lanczos, A1111's latent mask
// by bicubic).

/** A resampling filter: its kernel and its support at scale 1 (Resample.c's `struct filter`). */
interface Filter {
  kernel: (x: number) => number;
  support: number;
}

export type PilFilter = 'bicubic' | 'lanczos';

/** The source region `Image.resize(..., box=)` reads: [x0, y0, x1, y1], ends excluded; it may be empty along
 * an axis (A1111's fill strips resize a zero-height row of the image). */
export type ResizeBox = readonly [number, number, number, number];

/** PIL's resize of one 8-bit plane (Resample.c, Pillow 9.4: the filter's support × the downscale,
 * coefficients in 22-bit fixed point, the horizontal pass first, each pass rounded and clipped to 8 bits);
 * `box`, the region resized, is the whole plane unless given. */
export function pilResize(
  src: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
  filter: PilFilter,
  [x0, y0, x1, y1]: ResizeBox = [0, 0, width, height],
): Uint8Array {
  const whole = x0 === 0 && y0 === 0 && x1 === width && y1 === height;
  if (whole && width === outW && height === outH) return Uint8Array.from(src);
  const f = FILTERS[filter];
  const across = coefficients(width, outW, f, x0, x1);
  const rows = resample(src, { taps: across, lines: height, step: [1, width], outStep: [1, outW] });
  const down = coefficients(height, outH, f, y0, y1);
  return resample(rows, { taps: down, lines: outW, step: [outW, 1], outStep: [outW, 1] });
}

/** RGBA pixels resized to `size` by `filter`, each channel on its own as PIL resizes an RGB(A) image. */
export function pilResizeRgba(
  { rgba, width, height }: { rgba: Uint8Array; width: number; height: number },
  [outW, outH]: readonly [number, number],
  filter: PilFilter,
  box?: ResizeBox,
): Uint8Array {
  const out = new Uint8Array(outW * outH * 4);
  for (let c = 0; c < 4; c++) {
    const plane = Uint8Array.from({ length: width * height }, (_, p) => rgba[p * 4 + c]);
    pilResize(plane, width, height, outW, outH, filter, box).forEach((v, p) => (out[p * 4 + c] = v));
  }
  return out;
}

interface Pass {
  /** Per output index along the pass: its first input index and fixed-point weights. */
  readonly taps: readonly { first: number; weights: number[] }[];
  /** Lines resampled; [along a line, between lines] in the input and in the output. */
  readonly lines: number;
  readonly step: readonly [number, number];
  readonly outStep: readonly [number, number];
}

const PRECISION_BITS = 22;

function resample(src: Uint8Array, { taps, lines, step: [along, across], outStep: [outAlong, outAcross] }: Pass) {
  const out = new Uint8Array(taps.length * lines);
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < taps.length; o++) {
      const { first, weights } = taps[o];
      let sum = 1 << (PRECISION_BITS - 1);
      for (let k = 0; k < weights.length; k++) sum += src[line * across + (first + k) * along] * weights[k];
      out[line * outAcross + o * outAlong] = sum <= 0 ? 0 : Math.min(255, Math.floor(sum / 2 ** PRECISION_BITS));
    }
  }
  return out;
}

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** A sinc truncated to [−3, 3) and windowed by a sinc three times as wide. */
function lanczos(x: number): number {
  return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

const FILTERS: Record<PilFilter, Filter> = {
  bicubic: { kernel: bicubic, support: 2 },
  lanczos: { kernel: lanczos, support: 3 },
};

/** precompute_coeffs then normalize_coeffs_8bpc, for [in0, in1) of `inSize` values → `outSize`. */
function coefficients(inSize: number, outSize: number, filter: Filter, in0: number, in1: number): Pass['taps'] {
  const scale = (in1 - in0) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ss = 1 / filterScale;
  return Array.from({ length: outSize }, (_, o) => {
    const center = in0 + (o + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(inSize, Math.trunc(center + support + 0.5));
    const raw = Array.from({ length: last - first }, (_, k) => filter.kernel((k + first - center + 0.5) * ss));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => {
      const v = (total !== 0 ? w / total : w) * 2 ** PRECISION_BITS;
      return Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    });
    return { first, weights };
  });
}
