import type { ModelFolderFacts, TensorInfo } from './modelFacts';
import { tensor } from './modelFacts';

/** Which exporter wrote the folder, told from the UNet's `timestep` and the VAE encoder's output:
 * - optimum<=1.22: `timestep` int64 [steps], encoder output `latent_sample` (sampled inside the graph);
 * - optimum-1.23: `timestep` int64 [steps], encoder output `latent_parameters`;
 * - optimum>=1.24: `timestep` float rank 0, encoder output `latent_parameters` [b, 8, h, w] (mean, log-variance);
 * - diffusers-script: diffusers' older convert_stable_diffusion_checkpoint_to_onnx.py, float `timestep` [batch].
 * Sources: optimum v1.22.0–v1.24.0 exporters/onnx/model_configs.py (UNetOnnxConfig, VaeEncoderOnnxConfig),
 * utils/input_generators.py (DummyTimestepInputGenerator), exporters/utils.py (the VAE encoder's forward). */
export type OptimumGeneration = 'optimum<=1.22' | 'optimum-1.23' | 'optimum>=1.24' | 'diffusers-script' | 'unknown';

export interface GenerationResult {
  readonly generation: OptimumGeneration;
  readonly evidence: readonly string[];
}

export function describeTensor(t: TensorInfo): string {
  return `${t.name} ${t.type} [${t.shape.join(', ')}]`;
}

export function optimumGeneration(facts: ModelFolderFacts): GenerationResult {
  const timestep = tensor(facts.graphs.unet?.inputs, 'timestep');
  if (!timestep) return { generation: 'unknown', evidence: [] };
  const outputs = facts.graphs.vae_encoder?.outputs;
  const encoder = tensor(outputs, 'latent_parameters') ?? tensor(outputs, 'latent_sample');
  const evidence = [`unet input ${describeTensor(timestep)}`];
  if (encoder) evidence.push(`vae_encoder output ${encoder.name}`);
  const parameters = encoder?.name === 'latent_parameters';
  const sampled = encoder?.name === 'latent_sample';
  const integer = timestep.type.startsWith('int') || timestep.type.startsWith('uint');
  let generation: OptimumGeneration = 'unknown';
  if (integer && timestep.shape.length === 1) generation = parameters ? 'optimum-1.23' : 'optimum<=1.22';
  else if (!integer && timestep.shape.length === 0 && !sampled) generation = 'optimum>=1.24';
  else if (!integer && timestep.shape.length === 1 && !parameters) generation = 'diffusers-script';
  return { generation, evidence };
}
