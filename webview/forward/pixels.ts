// Between the view's 8-bit RGBA and the core's float RGB in [−1, 1], laid out [3, H, W] as the
// models' image tensors are (diffusers' VaeImageProcessor: x/127.5 − 1; back: (x + 1)·127.5, clipped).
import type { Tensor } from '../../src/core/tensor/tensor';

/** RGB of an RGBA image as a [3, H, W] tensor in [−1, 1]; alpha is dropped. */
export function rgbaToTensor(rgba: Uint8Array, width: number, height: number): Tensor {
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = rgba[i * 4 + c] / 127.5 - 1;
  }
  return { data, shape: [3, height, width] };
}

/** Writes a [3, H, W] tensor in [−1, 1] into opaque RGBA pixels (an ImageData's buffer), in place:
 * redraws reuse one buffer per canvas. Values outside [−1, 1] (x_t's noise has them) are clipped. */
export function tensorToRgba(chw: Float32Array, out: Uint8ClampedArray): void {
  const plane = out.length / 4;
  for (let i = 0; i < plane; i++) {
    const o = i * 4;
    // Uint8ClampedArray clips and rounds on store.
    out[o] = (chw[i] + 1) * 127.5;
    out[o + 1] = (chw[plane + i] + 1) * 127.5;
    out[o + 2] = (chw[2 * plane + i] + 1) * 127.5;
    out[o + 3] = 255;
  }
}
