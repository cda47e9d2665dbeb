// The forward view's latent space on the host: the view's image goes to the engine with the model
// "Diffusion: Generate" uses (diffusionLab.modelPath), and the answer (or the reason there is none,
// e.g. a model without a VAE encoder) goes back to the view. No vscode here, so it is unit-tested.
import { basename } from 'node:path';
import type { ForwardLatentRequest, ForwardLatentResult, ProviderName } from '../../protocol/engine';
import type { ForwardImage, ForwardToHost, HostToForward } from '../../protocol/forward';

export interface LatentEngine {
  forwardLatent(request: ForwardLatentRequest): Promise<ForwardLatentResult>;
}

/** The model and provider to use; may throw (an unusable modelPath setting), which the view is told. */
export type LatentModel = () => { dir: string; provider: ProviderName };

export class ForwardLatents {
  constructor(
    private readonly engine: LatentEngine,
    private readonly model: LatentModel,
  ) {}

  /** The answer to a 'latent' message about `image` (`imageKey` names it, for the engine's cache). */
  async answer(
    image: ForwardImage,
    imageKey: string,
    m: Extract<ForwardToHost, { type: 'latent' }>,
  ): Promise<HostToForward> {
    try {
      const { dir, provider } = this.model();
      const { width, height, rgba } = image;
      const request = {
        modelDir: dir,
        provider,
        image: { width, height, rgba },
        imageKey,
        seed: m.seed,
        levels: m.levels,
      };
      const { images, previews } = await this.engine.forwardLatent(request);
      return { type: 'latentFrames', request: m.request, model: basename(dir), images, previews };
    } catch (error) {
      return { type: 'latentFailed', request: m.request, message: (error as Error).message };
    }
  }
}
