/** Where samplers get Gaussian noise. The engine passes a PyTorch-compatible generator, so
 * ancestral/SDE samplers draw exactly what diffusers draws from a seeded CPU generator. */
export interface NoiseSource {
  /** Standard normal values for a tensor of this shape, in C order. */
  randn(shape: readonly number[]): Float32Array;
}
