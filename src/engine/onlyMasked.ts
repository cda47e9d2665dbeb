// A1111's inpaint area "Only masked" (inpaint_full_res, modules/processing.py v1.10): the region around the
// blurred mask (its bounds with the padding, grown to the run's aspect) is cut from the init image and the
// mask and taken to the run's size (resize_image mode 2); the run inpaints that as a whole picture, and each
// image it makes goes back into the init image, which keeps its size (a1111PasteBack).
import { a1111ResizeImage, cropRegion, cropped, expandCropRegion, type Rgba } from '../core/image/a1111Crop';
import { a1111PasteBack } from '../core/kdiffusion/a1111Inpaint';
import type { RunImages } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import { blurredMask } from './imagePixels';
import { requestMask } from './initLatents';
import type { RunShape } from './requestCheck';

export interface OnlyMasked {
  /** The init image's region at the run's size, as the run's init image. */
  images: RunImages;
  /** The blurred mask's region at the run's size, 1 where it repaints (blurred already: not blurred again). */
  pixel: Float32Array;
  /** An image the run made, pasted back into the init image. */
  pasteBack(decoded: Rgba): Rgba;
}

export function onlyMasked(images: RunImages | undefined, blur: number, padding: number, shape: RunShape): OnlyMasked {
  const full = blurredMask(requestMask(images), blur);
  const init = images!.init!;
  const region = cropRegion(full, init.width, init.height, padding);
  if (!region) {
    throw new EngineFailure('BAD_REQUEST', 'the mask is blank: inpaint area "only masked" has no region to repaint');
  }
  const area = expandCropRegion(region, shape.width, shape.height, init.width, init.height);
  const size = [shape.width, shape.height] as const;
  const grey = {
    width: init.width,
    height: init.height,
    rgba: Uint8Array.from({ length: full.length * 4 }, (_, i) => full[i >> 2]),
  };
  const mask = a1111ResizeImage(2, cropped(grey, area), size);
  return {
    images: { init: a1111ResizeImage(2, cropped(init, area), size) },
    pixel: Float32Array.from({ length: shape.width * shape.height }, (_, p) => mask.rgba[p * 4] / 255),
    pasteBack: (decoded) => ({ ...init, rgba: a1111PasteBack(decoded, init, full, area) }),
  };
}
