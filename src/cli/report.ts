// What the CLI prints after a run: what ran, on what, how long each part took.
import type { FamilyInfo, ImageRunInfo, RefinerRunInfo, RunInfo, RunOptions } from '../protocol/engine';
import type { FinishedRun } from '../runs/executeRun';
import { describeTimes } from '../runs/runTimes';

export function describeRun({ info }: FinishedRun, options: RunOptions, written: string[], dump?: string): string {
  const { spec } = info;
  const fallbacks = info.providerFallbacks.map((f) => `${f.provider} failed: ${f.error}`);
  const rescale = spec.guidanceRescale ? `, rescale ${spec.guidanceRescale}` : '';
  const eta = spec.eta !== undefined ? `, eta ${spec.eta}` : '';
  const guidance = `guidance ${spec.guidanceScale}${rescale}${eta}`;
  const lines = [
    `model     ${info.model.dir} (${info.model.kind}, hash ${info.model.hash})`,
    `sampler   ${samplerLabel(info)}, ${spec.steps} steps${explicitSchedule(info)}, ${guidance}`,
    ...(info.toolSampler
      ? [`sigmas    ${info.toolSampler.sigmas.map((v) => Number(v.toPrecision(5))).join(', ')}`]
      : []),
    `seed      ${info.seeds.join(', ')}`,
    `size      ${spec.width}x${spec.height}, batch ${info.seeds.length}${microConditioning(info)}`,
    ...(info.family ? [`family    ${describeFamily(info.family)}`] : []),
    ...(info.refiner ? [describeRefiner(info.refiner)] : []),
    `provider  ${info.provider}${options.provider && options.provider !== 'auto' ? '' : ' (auto)'}${fallbacks.length ? `; ${fallbacks.join('; ')}` : ''}`,
    `time      ${describeTimes(info.timings)}`,
  ];
  lines.push(...info.warnings.map((w) => `warning   ${w}`));
  if (info.image) lines.push(...describeImage(info.image, info.timings.vaeEncoderMs ?? 0));
  if (info.unknownWords.length)
    lines.push(`unknown   ${info.unknownWords.join(', ')} (not in the tokenizer's vocabulary)`);
  if (info.promptChunks > 1) lines.push(`prompt    ${info.promptTokens} tokens in ${info.promptChunks} chunks`);
  lines.push(...written.map((p) => `wrote     ${p}`));
  if (dump) lines.push(`dumped    ${dump}/latents.f32, image.f32, meta.json`);
  return lines.join('\n');
}

/** Which refiner took over where (RunInfo.refiner). */
function describeRefiner(r: RefinerRunInfo): string {
  const steps = `base ${r.baseSteps} + refiner ${r.refinerSteps} UNet calls`;
  return `refiner   ${r.dir} (hash ${r.hash}), switch at ${r.switchAt}: ${steps}`;
}

/** How a run with an init image used it; inversion's PSNR on its own line, for scripts to read. */
function describeImage(image: ImageRunInfo, encoderMs: number): string[] {
  const source = `${image.sourceWidth}x${image.sourceHeight}`;
  const how = image.resize === 'only-masked' ? "only masked: the mask's region, pasted back" : 'stretched, Lanczos-3';
  const from = `from ${source} (${how}), latent ${image.latent}, encoder ${encoderMs.toFixed(1)} ms`;
  if (image.mode === 'invert') return [`image     DDIM inversion ${from}`, `psnr      ${image.psnr?.toFixed(2)} dB`];
  const cut = `strength ${image.strength}: ${image.stepsRun} steps sampled (schedule from index ${image.beginIndex})`;
  return [`image     ${image.mode} ${from}, ${cut}`];
}

/** The diffusers class, or the tool sampler in its tool's names with its schedule and noise convention. */
function samplerLabel({ scheduler, toolSampler: t }: RunInfo): string {
  if (!t) return String(scheduler._class_name);
  const names =
    t.tool === 'a1111'
      ? t.a1111 && `A1111 ${t.a1111.sampler}, schedule ${t.a1111.scheduleType}`
      : t.comfyui && `ComfyUI ${t.comfyui.samplerName}, scheduler ${t.comfyui.scheduler}`;
  return `${names ?? t.sampler}, noise ${t.noise}`;
}

/** The explicit timesteps or σ the run took, as RunInfo reports them. */
function explicitSchedule({ spec: { timesteps, sigmas } }: RunInfo): string {
  if (timesteps) return ` (timesteps ${timesteps.join(', ')})`;
  return sigmas ? ` (sigmas ${sigmas.join(', ')})` : '';
}

/** SDXL micro-conditioning the spec gave. */
function microConditioning({ spec: { originalSize: o, cropTopLeft: c, targetSize: t } }: RunInfo): string {
  const parts = [o && `original ${o.width}x${o.height}`, c && `crop ${c.x},${c.y}`];
  parts.push(t && `target ${t.width}x${t.height}`);
  return parts
    .filter(Boolean)
    .map((p) => `, ${p}`)
    .join('');
}

/** The family, its generation and what it recommends, and which settings the run took from the model. */
function describeFamily(f: FamilyInfo): string {
  const r = f.recommended;
  const taken = f.defaulted.length ? `; from the model: ${f.defaulted.join(', ')}` : '';
  const recommends = `${r.width}x${r.height}, ${r.steps} steps, guidance ${r.guidance}, ${r.scheduler}`;
  return `${f.family} (${f.optimumGeneration}, ${f.predictionType}), recommends ${recommends}${taken}`;
}
