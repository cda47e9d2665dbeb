// A1111's inpaint area "Only masked" (inpaint_full_res, modules/processing.py v1.10): the region around the
// blurred mask (its bounds with the padding, grown to the run's aspect) is cut from the init image and the
// mask and taken to the run's size (resize_image mode 2); the run inpaints that as a whole picture, and each
// image it makes goes back into the init image, which keeps its size (a1111PasteBack). A blank mask has no
// region: A1111 drops the mask then and runs image-to-image ("Unable to perform "Inpaint Only mask" because
// mask is blank, switch to img2img mode"), with none of the mask's options (its fill, its conditioning).
import { a1111ResizeImage, cropRegion, cropped, expandCropRegion, type Rgba } from '../core/image/a1111Crop';
import { a1111PasteBack } from '../core/kdiffusion/a1111Inpaint';
import type { RunImages } from '../protocol/engine';
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

/** The run's region; undefined for a blank mask, which A1111 then runs as image-to-image. */
export function onlyMasked(
  images: RunImages | undefined,
  blur: number,
  padding: number,
  shape: RunShape,
): OnlyMasked | undefined {
  const full = blurredMask(requestMask(images), blur);
  const init = images!.init!;
  const region = cropRegion(full, init.width, init.height, padding);
  if (!region) return undefined;
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
