/** Where samplers get Gaussian noise. The engine passes a PyTorch-compatible generator, so
 * ancestral/SDE samplers draw exactly what diffusers draws from a seeded CPU generator. */
export interface NoiseSource {
  /** Standard normal values for a tensor of this shape, in C order. Written into `out` when given
   * (samplers pass one buffer for the whole run, so a step allocates nothing for its noise); a
   * source may ignore it and return a new array. */
  randn(shape: readonly number[], out?: Float32Array): Float32Array;
}
