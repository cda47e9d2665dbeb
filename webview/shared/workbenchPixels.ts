// Pixels for the workbench surfaces (generate panel and gallery): RGBA to canvas, PNG bytes to an
// image URL, and one greyscale tile per latent channel.

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export function drawRgba(canvas: HTMLCanvasElement, image: RgbaImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas
    .getContext('2d')
    ?.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
}

/** An object URL for PNG bytes; revoke it when the image goes. */
export function pngUrl(png: Uint8Array): string {
  return URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
}

/** Channel c of a [C, H, W] latent as greyscale, stretched over that channel's own min..max. */
export function channelImage(
  data: Float32Array,
  shape: readonly number[],
  c: number,
): RgbaImage & { min: number; max: number } {
  const [, height, width] = shape;
  const plane = height * width;
  const values = data.subarray(c * plane, (c + 1) * plane);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 255 / (max - min) : 0;
  const rgba = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    const g = (values[i] - min) * scale;
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = g;
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba, min, max };
}
