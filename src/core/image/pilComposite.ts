// Pillow 9.4's integer steps for premultiplied alpha and compositing (Convert.c, AlphaComposite.c, Paste.c's
// DIV255), which A1111's fill and overlay go through.

/** DIV255: round(v / 255) for the products Pillow takes. */
export const div255 = (v: number): number => shiftDiv255(v + 128);
const shiftDiv255 = (v: number) => ((v >>> 8) + v) >>> 8;

/** RGBa → RGBA (Convert.c rgba2rgbA): colours divided by alpha, in integers, clipped to 255. */
export function unpremultiplied(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let p = 0; p < out.length; p += 4) {
    const alpha = out[p + 3];
    if (alpha === 255 || alpha === 0) continue;
    for (let c = 0; c < 3; c++) out[p + c] = Math.min(255, Math.floor((255 * bytes[p + c]) / alpha));
  }
  return out;
}

/** Image.alpha_composite(src) onto `dst` in place (AlphaComposite.c: 7 extra bits, rounded divisions). */
export function alphaComposite(dst: Uint8Array, src: Uint8Array): void {
  for (let p = 0; p < dst.length; p += 4) {
    const sa = src[p + 3];
    if (sa === 0) continue;
    const outa255 = sa * 255 + dst[p + 3] * (255 - sa);
    const coef1 = Math.floor((sa * 255 * 255 * 128) / outa255);
    const coef2 = 255 * 128 - coef1;
    for (let c = 0; c < 3; c++) {
      dst[p + c] = shiftDiv255(src[p + c] * coef1 + dst[p + c] * coef2 + (0x80 << 7)) >>> 7;
    }
    dst[p + 3] = shiftDiv255(outa255 + 0x80);
  }
}
