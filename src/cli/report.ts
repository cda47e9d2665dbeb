// What the CLI prints after a run: what ran, on what, how long each part took.
import type { GenerateRequest, GenerateResult, RunInfo } from '../protocol/engine';
import { describeTimes } from '../engine/runTimes';

export function describeRun(req: GenerateRequest, { info }: GenerateResult, written: string[], dump?: string): string {
  const fallbacks = info.providerFallbacks.map((f) => `${f.provider} failed: ${f.error}`);
  const lines = [
    `model     ${info.model.dir} (${info.model.kind}, hash ${info.model.hash})`,
    `sampler   ${info.scheduler._class_name}, ${info.steps} steps${explicitSchedule(info)}, guidance ${info.guidanceScale}${info.guidanceRescale ? `, rescale ${info.guidanceRescale}` : ''}`,
    `seed      ${info.seeds.join(', ')}`,
    `size      ${info.width}x${info.height}, batch ${info.seeds.length}`,
    `provider  ${info.provider}${req.provider && req.provider !== 'auto' ? '' : ' (auto)'}${fallbacks.length ? `; ${fallbacks.join('; ')}` : ''}`,
    `time      ${describeTimes(info.timings)}`,
  ];
  if (info.unknownWords.length) lines.push(`unknown   ${info.unknownWords.join(', ')} (not in the tokenizer's vocabulary)`);
  if (info.truncatedTokens) lines.push(`truncated ${info.truncatedTokens} prompt tokens past the model's limit`);
  lines.push(...written.map((p) => `wrote     ${p}`));
  if (dump) lines.push(`dumped    ${dump}/latents.f32, image.f32, meta.json`);
  return lines.join('\n');
}

/** The explicit timesteps or σ the run took, as RunInfo reports them. */
function explicitSchedule({ timesteps, sigmas }: RunInfo): string {
  if (timesteps) return ` (timesteps ${timesteps.join(', ')})`;
  return sigmas ? ` (sigmas ${sigmas.join(', ')})` : '';
}
