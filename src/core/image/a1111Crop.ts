// A1111's inpaint area "Only masked" (inpaint_full_res, modules/processing.py v1.10): the region around the
// mask that is run at the run's size and pasted back. Its geometry (modules/masking.py) and the two modes of
// resize_image (modules/images.py) that take the region there and back, with no upscaler set (A1111's
// default: PIL's Lanczos), in PIL's integer steps (pilResize.ts) and Python's integer arithmetic.
import { pilResizeRgba, type ResizeBox } from './pilResize';

/** [x1, y1, x2, y2], ends excluded. */
export type Region = readonly [number, number, number, number];

export interface Rgba {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** get_crop_region_v2: the bounding box of the mask's nonzero pixels (PIL's getbbox) grown by `pad` on each
 * side within the image; undefined for a mask with none. */
export function cropRegion(mask: Uint8Array, width: number, height: number, pad: number): Region | undefined {
  let [x1, y1, x2, y2] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] === 0) continue;
      [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
    }
  }
  if (x2 === 0) return undefined;
  return [Math.max(x1 - pad, 0), Math.max(y1 - pad, 0), Math.min(x2 + pad, width), Math.min(y2 + pad, height)];
}

/** expand_crop_region: the region grown along one axis to the run's aspect ratio, kept within the image. */
export function expandCropRegion(region: Region, runWidth: number, runHeight: number, width: number, height: number) {
  const [x1, y1, x2, y2] = region;
  const ratio = runWidth / runHeight;
  if ((x2 - x1) / (y2 - y1) > ratio) {
    const [a, b] = grown(y1, y2, Math.trunc((x2 - x1) / ratio - (y2 - y1)), height);
    return [x1, a, x2, b] as const;
  }
  const [a, b] = grown(x1, x2, Math.trunc((y2 - y1) * ratio - (x2 - x1)), width);
  return [a, y1, b, y2] as const;
}

/** [lo, hi) grown by `diff` (half before, Python's floor division), shifted back inside [0, size]. */
function grown(lo: number, hi: number, diff: number, size: number): [number, number] {
  lo -= Math.floor(diff / 2);
  hi += diff - Math.floor(diff / 2);
  if (hi >= size) [lo, hi] = [lo - (hi - size), size];
  if (lo < 0) [lo, hi] = [0, hi - lo];
  return [lo, Math.min(hi, size)];
}

/** The pixels of `region`. */
export function cropped({ rgba, width }: Rgba, [x1, y1, x2, y2]: Region): Rgba {
  const w = x2 - x1;
  const out = new Uint8Array(w * (y2 - y1) * 4);
  for (let y = y1; y < y2; y++) out.set(rgba.subarray((y * width + x1) * 4, (y * width + x2) * 4), (y - y1) * w * 4);
  return { rgba: out, width: w, height: y2 - y1 };
}

/** resize_image in mode 1 ("crop and resize": scaled to cover the size, centred, the excess cut) or mode 2
 * ("resize and fill": scaled to fit, centred, the bands left stretched from the image's edge rows or
 * columns), onto black; opaque RGBA out. */
export function a1111ResizeImage(mode: 1 | 2, im: Rgba, [width, height]: readonly [number, number]): Rgba {
  const ratio = width / height;
  const srcRatio = im.width / im.height;
  const fits = mode === 1 ? ratio > srcRatio : ratio < srcRatio;
  const fitsHeight = mode === 1 ? ratio <= srcRatio : ratio >= srcRatio;
  const srcW = fits ? width : Math.floor((im.width * height) / im.height);
  const srcH = fitsHeight ? height : Math.floor((im.height * width) / im.width);
  const resized = { rgba: pilResizeRgba(im, [srcW, srcH], 'lanczos'), width: srcW, height: srcH };
  const res = { rgba: new Uint8Array(width * height * 4), width, height };
  const left = Math.floor(width / 2) - Math.floor(srcW / 2);
  const top = Math.floor(height / 2) - Math.floor(srcH / 2);
  pasted(res, resized, left, top);
  if (mode === 2 && ratio < srcRatio && top > 0) {
    pasted(res, strip(resized, [width, top], [0, 0, width, 0]), 0, 0);
    pasted(res, strip(resized, [width, top], [0, srcH, width, srcH]), 0, top + srcH);
  } else if (mode === 2 && ratio > srcRatio && left > 0) {
    pasted(res, strip(resized, [left, height], [0, 0, 0, height]), 0, 0);
    pasted(res, strip(resized, [left, height], [srcW, 0, srcW, height]), left + srcW, 0);
  }
  // An RGB image: opaque, black where nothing was pasted.
  for (let p = 3; p < res.rgba.length; p += 4) res.rgba[p] = 255;
  return res;
}

/** `Image.resize(size, box=box)` of the image's edge: a band stretched from an empty box, by Pillow's default
 * filter (bicubic: A1111 names no filter there). */
function strip(im: Rgba, [w, h]: readonly [number, number], box: ResizeBox): Rgba {
  return { rgba: pilResizeRgba(im, [w, h], 'bicubic', box), width: w, height: h };
}

/** `im` pasted into `into` with its top-left at (x, y), clipped to `into` (PIL's paste). */
export function pasted(into: Rgba, im: Rgba, x: number, y: number): void {
  for (let row = Math.max(0, -y); row < im.height && y + row < into.height; row++) {
    const from = Math.max(0, -x);
    const to = Math.min(im.width, into.width - x);
    if (to <= from) return;
    const source = im.rgba.subarray((row * im.width + from) * 4, (row * im.width + to) * 4);
    into.rgba.set(source, ((y + row) * into.width + x + from) * 4);
  }
}
