// What the consistency-distilled samplers (LCM, TCD) share beyond their steps: the timesteps they pick
// from the distillation schedule (consistencySchedule.ts) and diffusers' get_velocity, which both have.
import type { Tensor } from '../tensor/tensor';
import { AlphaScheduler, type AlphaConfig } from './alphaScheduler';
import { consistencyTimesteps } from './consistencySchedule';
import type { SetTimestepsOptions } from './scheduler';

export abstract class ConsistencyScheduler<
  C extends AlphaConfig & { original_inference_steps: number },
> extends AlphaScheduler<C> {
  getVelocity(sample: Tensor, noise: Tensor, timesteps: readonly number[]): Tensor {
    return this.velocityAt(sample, noise, timesteps);
  }

  /** n steps spread over the distillation schedule, the same for LCM and TCD. */
  setTimesteps(n: number, options?: SetTimestepsOptions): void {
    this.timesteps = consistencyTimesteps(this.className, this.config, n, options);
  }
}
