// A rectangle of one opaque colour in an RGBA image (a sweep grid's missing cell, a glyph's pixel block).

/** Fills the w×h rectangle at (x, y), clipped to the image, with `rgb`: a 32-bit word a pixel, one native fill a
 * row (the bytes a pixel at a time cost a sweep's grid 2 ms of label drawing). The image's bytes start on a
 * 4-byte boundary, as a new image's do. */
export function fillRect(
  image: { rgba: Uint8Array; width: number; height: number },
  x: number,
  y: number,
  w: number,
  h: number,
  rgb: readonly number[],
): void {
  const pixels = new Uint32Array(image.rgba.buffer, image.rgba.byteOffset, image.rgba.length / 4);
  const [word] = new Uint32Array(Uint8Array.of(rgb[0], rgb[1], rgb[2], 255).buffer);
  const left = Math.max(0, x);
  const right = Math.min(image.width, x + w);
  for (let row = Math.max(0, y); row < Math.min(image.height, y + h) && left < right; row++)
    pixels.fill(word, row * image.width + left, row * image.width + right);
}
