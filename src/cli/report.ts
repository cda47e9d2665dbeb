// What the CLI prints after a run: what ran, on what, how long each part took.
import type { GenerateRequest, GenerateResult } from '../protocol/engine';

export function describeRun(req: GenerateRequest, { info }: GenerateResult, written: string[], dump?: string): string {
  const t = info.timings;
  const unet = t.unetStepMs.reduce((a, b) => a + b, 0);
  const fallbacks = info.providerFallbacks.map((f) => `${f.provider} failed: ${f.error}`);
  const lines = [
    `model     ${info.model.dir} (${info.model.kind}, hash ${info.model.hash})`,
    `sampler   ${info.scheduler._class_name}, ${info.steps} steps, guidance ${info.guidanceScale}${info.guidanceRescale ? `, rescale ${info.guidanceRescale}` : ''}`,
    `seed      ${info.seeds.join(', ')}`,
    `size      ${info.width}x${info.height}, batch ${info.seeds.length}`,
    `provider  ${info.provider}${req.provider && req.provider !== 'auto' ? '' : ' (auto)'}${fallbacks.length ? `; ${fallbacks.join('; ')}` : ''}`,
    `time      ${ms(t.totalMs)} total: load ${ms(t.loadMs)}, text encoder ${ms(t.textEncoderMs)}, unet ${ms(unet)} (${ms(unet / Math.max(1, t.unetStepMs.length))}/step), vae ${ms(t.vaeMs)}`,
  ];
  if (info.unknownWords.length) lines.push(`unknown   ${info.unknownWords.join(', ')} (not in the tokenizer's vocabulary)`);
  if (info.truncatedTokens) lines.push(`truncated ${info.truncatedTokens} prompt tokens past the model's limit`);
  lines.push(...written.map((p) => `wrote     ${p}`));
  if (dump) lines.push(`dumped    ${dump}/latents.f32, image.f32, meta.json`);
  return lines.join('\n');
}

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}
