// Inpainting with an ordinary (4-channel) UNet: after every step the known region is put back, as
// the init image's latents noised to the next timestep (clean after the last step), blended by the
// latent-resolution mask. diffusers' StableDiffusionInpaintPipeline does this when the UNet has
// 4 input channels (pipelines/stable_diffusion/pipeline_stable_diffusion_inpaint.py, v0.35.2), as
// its legacy inpaint pipeline and A1111's inpainting with ordinary checkpoints did.
import type { Scheduler } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';

/** The per-step blend: latents ← (1 − m)·known_{t_{i+1}} + m·latents, in place, m = 1 where the
 * mask repaints. `mask` is one latent plane (h·w), the same for every image and channel. */
export function inpaintBlend(
  scheduler: Scheduler,
  imageLatents: Tensor,
  noise: Tensor,
  mask: Float32Array,
  timesteps: ArrayLike<number>,
): (latents: Tensor, i: number) => void {
  return (latents, i) => {
    const last = i === timesteps.length - 1;
    const known = last ? imageLatents.data : scheduler.addNoise(imageLatents, noise, [timesteps[i + 1]]).data;
    const x = latents.data;
    const plane = mask.length;
    for (let k = 0; k < x.length; k++) {
      const m = mask[k % plane];
      x[k] = (1 - m) * known[k] + m * x[k];
    }
  };
}
