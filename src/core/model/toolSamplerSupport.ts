// Whether the tools' own samplers (A1111, ComfyUI: src/core/kdiffusion/toolSamplers.ts) can run a model's
// training schedule: the engine refuses a run that cannot, and the workbench greys those samplers out for it
// with the same reason.

const PREDICTIONS = ['epsilon', 'v_prediction', 'sample'];

/** Why tool samplers cannot run a model with this scheduler config, or undefined when they can. */
export function toolSamplerRefusal(schedulerConfig: Readonly<Record<string, unknown>>): string | undefined {
  // ComfyUI's zero-SNR sampling moves ᾱ_T off 0 by its own rule; not reproduced, so refused rather than run off.
  if (schedulerConfig.rescale_betas_zero_snr === true) return 'tool samplers do not run zero-terminal-SNR schedules';
  const prediction = schedulerConfig.prediction_type ?? 'epsilon';
  if (typeof prediction !== 'string' || !PREDICTIONS.includes(prediction))
    return `prediction_type ${JSON.stringify(prediction)} is not supported`;
  return undefined;
}
