// What the CLI prints after a run: what ran, on what, how long each part took.
import type { RunInfo, RunOptions } from '../protocol/engine';
import { classNameOf } from '../protocol/run';
import type { FinishedRun } from '../runs/executeRun';
import { describeTimes } from '../runs/runTimes';

export function describeRun({ info }: FinishedRun, options: RunOptions, written: string[], dump?: string): string {
  const { spec } = info;
  const fallbacks = info.providerFallbacks.map((f) => `${f.provider} failed: ${f.error}`);
  const rescale = spec.guidanceRescale ? `, rescale ${spec.guidanceRescale}` : '';
  const lines = [
    `model     ${info.model.dir} (${info.model.kind}, hash ${info.model.hash})`,
    `sampler   ${classNameOf(info.scheduler) ?? 'unknown'}, ${spec.steps} steps${explicitSchedule(info)}, guidance ${spec.guidanceScale}${rescale}`,
    `seed      ${info.seeds.join(', ')}`,
    `size      ${spec.width}x${spec.height}, batch ${info.seeds.length}`,
    `provider  ${info.provider}${options.provider && options.provider !== 'auto' ? '' : ' (auto)'}${fallbacks.length ? `; ${fallbacks.join('; ')}` : ''}`,
    `time      ${describeTimes(info.timings)}`,
  ];
  lines.push(...info.warnings.map((w) => `warning   ${w}`));
  if (info.unknownWords.length) lines.push(`unknown   ${info.unknownWords.join(', ')} (not in the tokenizer's vocabulary)`);
  if (info.promptChunks > 1) lines.push(`prompt    ${info.promptTokens} tokens in ${info.promptChunks} chunks`);
  lines.push(...written.map((p) => `wrote     ${p}`));
  if (dump) lines.push(`dumped    ${dump}/latents.f32, image.f32, meta.json`);
  return lines.join('\n');
}

/** The explicit timesteps or σ the run took, as RunInfo reports them. */
function explicitSchedule({ spec: { timesteps, sigmas } }: RunInfo): string {
  if (timesteps) return ` (timesteps ${timesteps.join(', ')})`;
  return sigmas ? ` (sigmas ${sigmas.join(', ')})` : '';
}
