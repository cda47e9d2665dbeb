// PIL's bicubic resize of 8-bit images in its integer steps (Pillow 9.4, libImaging/Resample.c): what A1111's
// `Image.resize` calls give, bit for bit.

/** PIL's bicubic resize of one 8-bit plane (Resample.c, Pillow 9.4: a = −0.5, support 2 × the downscale,
 * coefficients in 22-bit fixed point, the horizontal pass first, each pass rounded and clipped to 8 bits). */
export function pilBicubic(src: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  if (width === outW && height === outH) return Uint8Array.from(src);
  const across = coefficients(width, outW);
  const rows = resample(src, { taps: across, lines: height, step: [1, width], outStep: [1, outW] });
  return resample(rows, { taps: coefficients(height, outH), lines: outW, step: [outW, 1], outStep: [outW, 1] });
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

/** precompute_coeffs then normalize_coeffs_8bpc, for `inSize` → `outSize`. */
function coefficients(inSize: number, outSize: number): Pass['taps'] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ss = 1 / filterScale;
  return Array.from({ length: outSize }, (_, o) => {
    const center = (o + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(inSize, Math.trunc(center + support + 0.5));
    const raw = Array.from({ length: last - first }, (_, k) => bicubic((k + first - center + 0.5) * ss));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => {
      const v = (total !== 0 ? w / total : w) * 2 ** PRECISION_BITS;
      return Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    });
    return { first, weights };
  });
}
