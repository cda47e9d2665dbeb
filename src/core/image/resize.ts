// Resampling of planar float images with a Lanczos-3 kernel, as PIL's Image.resize(LANCZOS) does it
// (Pillow src/libImaging/Resample.c): a separable convolution whose kernel widens by the scale when
// shrinking, so a downscale averages every source pixel instead of skipping some.

/** An image as `channels` planes of width·height floats, plane after plane. */
export interface Planes {
  data: Float32Array;
  channels: number;
  width: number;
  height: number;
}

const SUPPORT = 3;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return Math.abs(x) < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0;
}

/** Per output index: the first source index and the normalised weights of the ones after it. */
function weights(inSize: number, outSize: number): { first: Int32Array; w: Float64Array[] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const first = new Int32Array(outSize);
  const w: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    const k = new Float64Array(hi - lo);
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += k[i - lo] = lanczos((i - center + 0.5) / filterScale);
    for (let i = 0; i < k.length; i++) k[i] /= sum;
    first[o] = lo;
    w.push(k);
  }
  return { first, w };
}

/** The image at width × height; the same size gives a copy. */
export function resizePlanes(src: Planes, width: number, height: number): Planes {
  if (src.width === width && src.height === height) return { ...src, data: Float32Array.from(src.data) };
  const cols = weights(src.width, width);
  const rows = weights(src.height, height);
  const { channels } = src;
  const wide = new Float32Array(channels * src.height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < src.height; y++) {
      const row = (c * src.height + y) * src.width;
      for (let x = 0; x < width; x++) {
        const k = cols.w[x];
        let v = 0;
        for (let i = 0; i < k.length; i++) v += k[i] * src.data[row + cols.first[x] + i];
        wide[(c * src.height + y) * width + x] = v;
      }
    }
  }
  const out = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const k = rows.w[y];
      for (let x = 0; x < width; x++) {
        let v = 0;
        for (let i = 0; i < k.length; i++) v += k[i] * wide[(c * src.height + rows.first[y] + i) * width + x];
        out[(c * height + y) * width + x] = v;
      }
    }
  }
  return { data: out, channels, width, height };
}
