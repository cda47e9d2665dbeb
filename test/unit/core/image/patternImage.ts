// The RGB pattern the image fixtures' generators draw (gen_a1111_fill.py, gen_a1111_crop.py), as RGBA.

/** RGB (i·37 + c·91 + ⌊i / w⌋·13) mod 256 at pixel i, channel c; alpha 255. */
export function patternImage(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = (i * 37 + c * 91 + Math.floor(i / w) * 13) % 256;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The RGB bytes of RGBA pixels. */
export function rgbOf(rgba: Uint8Array): number[] {
  return Array.from({ length: (rgba.length / 4) * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]);
}
