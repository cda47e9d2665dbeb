// `diffusion-lab` command line: generate images (from a prompt, or from an init image and mask) and
// invert images with the same engine process the extension uses, and install the optional CUDA provider.
import { parseArgs } from 'node:util';
import { PROVIDER_NAMES, type ProviderName, type RunOptions, type StepEvent } from '../protocol/engine';
import {
  checkRunSpec,
  RANDOM_SEED,
  RUN_LIMITS,
  runSpec,
  type PixelSize,
  type RunSpec,
  type RunSpecInput,
} from '../protocol/run';
import { EngineError, type EngineClient } from '../runs/engineClient';
import { defaultModelDir } from '../runs/enginePaths';
import { executeRun, prepareRun } from '../runs/executeRun';
import { RunInputError } from '../runs/inputImages';
import { samplerChoice } from '../protocol/samplerChoice';
import { suggestKey } from '../core/config/suggestKey';
import { NOISE_CONVENTIONS, type NoiseConvention } from '../core/noise/conventions';
import { installCuda } from './installCuda';
import { sweep, SWEEP_USAGE } from './sweepCommand';
import { HELP_FLAGS, usage, UsageError } from './usageError';
import { cliEngine } from './cliEngine';
import { describeRun } from './report';
import { planOutputs, writeDump, writeFileSafely } from './outputFiles';
import { existsSync } from 'node:fs';
import { readJsonFile } from '../modelFolder/jsonFile';
import { resolve } from 'node:path';

const USAGE = `usage:
  diffusion-lab generate --prompt "..." --out out.png [options]
      --model <folder>       diffusers/Optimum ONNX folder (default: the shipped models/tiny-shapes)
      --negative "..."       negative prompt
      --seed <n>             default: random; printed
      --subseed <n> --subseed-strength <0..1>  A1111's variation seed and strength (-1: random)
      --ensd <n>             A1111's eta noise seed delta: the sampler's step noise from seed + n
      --steps <n>            default: the model's (_diffusion_lab.steps in model_index.json), else its
                             family's (SD 50, LCM 4, Turbo 1)
      --guidance <g>         classifier-free guidance scale (0 or 1 turn guidance off; LCM takes it as
                             an input); default: the model's (_diffusion_lab.guidance_scale in
                             model_index.json), else its family's (SD 7.5, SDXL 5, LCM 8.5, Turbo 0)
      --guidance-rescale <φ> Lin et al. rescale, 0..1, default 0
      --eta <0..1>           DDIMScheduler's η or TCDScheduler's γ (default: DDIM 0, TCD 0.3)
      --sampler <name>       a diffusers class (DPMSolverMultistepScheduler), an A1111 sampler ("DPM++ 2M",
                             "DPM++ 2M Karras") or a ComfyUI sampler_name (dpmpp_2m); each runs as its tool does
      --schedule-type <t>    A1111's Schedule type (default Automatic); with a diffusers class: Karras,
                             Exponential or Beta (its use_*_sigmas)
      --scheduler <s>        ComfyUI's scheduler for a ComfyUI sampler_name (default normal)
      --noise <convention>   diffusers | a1111 | comfyui: whose way of drawing noise from the seed
                             (default: the sampler's tool; diffusers for a diffusers class)
      --scheduler-config <file.json>  a scheduler_config.json to use instead of the model's
      --timesteps <t,t,...>  explicit descending training timesteps, one step each (replaces --steps)
      --sigmas <s,s,...>     explicit descending σ, the final one included (replaces --steps)
      --width <px> --height <px> --batch <n>   size default: the model's native size
      --original-size <W>x<H> --crop <x>,<y> --target-size <W>x<H>
                             SDXL micro-conditioning (default: the image size, 0,0, the image size)
      --init-image <file>    image-to-image from a PNG or JPEG, stretched to the run's size
      --strength <s>         how far the init image is noised, 0 (kept) to 1 (all noise); default 0.75
      --mask <file>          inpainting: a mask the init image's size; white repaints, black keeps
      --mask-blur <px>       blur the mask by a Gaussian of this σ (A1111's mask blur); default 0
      --masked-content <c>   A1111's masked content with an A1111 sampler: fill, original (default),
                             "latent noise" or "latent nothing"
      --inpaint-area <a>     A1111's inpaint area with an A1111 sampler: "whole picture" (default) or
                             "only masked" (the mask's region run at the run's size, pasted back)
      --mask-padding <px>    "only masked": pixels around the mask's bounds, 0 to 256; default 32
      --inpaint-node <n>     ComfyUI's inpainting node with a ComfyUI sampler: SetLatentNoiseMask (default),
                             InpaintModelConditioning (differs for a 9-channel inpainting UNet) or
                             VAEEncodeForInpaint (the image grey under the mask, the mask grown)
      --grow-mask-by <px>    VAEEncodeForInpaint's grow_mask_by, 0 to 64; default 6
      --refiner <folder>     SDXL refiner: denoises the end of the schedule from the base's latents
      --refiner-switch-at <f>  fraction of the training timesteps the base denoises, 0 < f < 1; default 0.8
      --provider <p>         auto | cuda | webgpu | dml | coreml | cpu (default auto)
      --dump <folder>        also write final latents and decoded image as raw float32 + meta.json
      --force                replace existing output files
      --verbose              also show the engine's log (onnxruntime's provider messages)
${SWEEP_USAGE}
  diffusion-lab invert --image in.png --out recon.png [options]
      DDIM inversion: the image to noise and back with DDIM; prints the reconstruction's PSNR
      --steps <n> (default 50), --prompt, --negative, --guidance (default 1: no guidance),
      --seed (default 0: inversion draws no noise, the seed only names the run), --model, --provider,
      --force, --verbose as for generate
  diffusion-lab install-cuda   download onnxruntime's CUDA 12 provider (Linux x64, about 400 MB)`;

/** Runs a command; `engine`: a client already started for it (src/cli/start.ts), else one is started here. */
export async function main(argv: string[], engine?: EngineClient): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || argv.some((a) => HELP_FLAGS.includes(a))) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'generate') return generate(rest, engine);
  if (command === 'sweep') return sweep(rest, engine);
  if (command === 'invert') return invert(rest, engine);
  if (command === 'install-cuda') return installCuda(rest);
  const meant = suggestKey(command, COMMANDS);
  const hint = meant ? `; did you mean "${meant}"?` : ` (commands: ${COMMANDS.join(', ')})`;
  throw new UsageError(`unknown command "${command}"${hint}`);
}

const COMMANDS = ['generate', 'sweep', 'invert', 'install-cuda'];

/** Flags every command that runs the engine takes. */
const RUN_FLAGS = {
  model: { type: 'string' },
  prompt: { type: 'string', default: '' },
  negative: { type: 'string' },
  seed: { type: 'string' },
  guidance: { type: 'string' },
  provider: { type: 'string', default: 'auto' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
} as const;

interface RunFlags {
  model?: string;
  prompt?: string;
  negative?: string;
  seed?: string;
  guidance?: string;
  provider?: string;
  out?: string;
  force?: boolean;
  verbose?: boolean;
}

async function generate(args: string[], engine?: EngineClient): Promise<number> {
  const { values: o } = parseArgs({
    args,
    options: {
      ...RUN_FLAGS,
      subseed: { type: 'string' },
      'subseed-strength': { type: 'string' },
      ensd: { type: 'string' },
      steps: { type: 'string' },
      'guidance-rescale': { type: 'string' },
      eta: { type: 'string' },
      sampler: { type: 'string' },
      'schedule-type': { type: 'string' },
      scheduler: { type: 'string' },
      noise: { type: 'string' },
      'scheduler-config': { type: 'string' },
      timesteps: { type: 'string' },
      sigmas: { type: 'string' },
      'original-size': { type: 'string' },
      crop: { type: 'string' },
      'target-size': { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      batch: { type: 'string' },
      'init-image': { type: 'string' },
      strength: { type: 'string' },
      mask: { type: 'string' },
      'mask-blur': { type: 'string' },
      'masked-content': { type: 'string' },
      'inpaint-area': { type: 'string' },
      'mask-padding': { type: 'string' },
      'inpaint-node': { type: 'string' },
      'grow-mask-by': { type: 'string' },
      refiner: { type: 'string' },
      'refiner-switch-at': { type: 'string' },
      dump: { type: 'string' },
    },
  });
  const spec = runSpec({
    ...commonSpec(o),
    subseed: optional(o.subseed, (v) => int('--subseed', v)),
    subseedStrength: optional(o['subseed-strength'], (v) => num('--subseed-strength', v)),
    etaNoiseSeedDelta: optional(o.ensd, (v) => int('--ensd', v)),
    steps: optional(o.steps, (v) => int('--steps', v)),
    guidanceRescale: optional(o['guidance-rescale'], (v) => num('--guidance-rescale', v)) ?? 0,
    eta: optional(o.eta, (v) => num('--eta', v)),
    width: optional(o.width, (v) => int('--width', v)),
    height: optional(o.height, (v) => int('--height', v)),
    batchSize: optional(o.batch, (v) => int('--batch', v)) ?? 1,
    ...samplerFields(o.sampler, o['schedule-type'], o.scheduler, o['scheduler-config']),
    noise: optional(o.noise, noiseConvention),
    timesteps: optional(o.timesteps, (v) => numberList('--timesteps', v)),
    sigmas: optional(o.sigmas, (v) => numberList('--sigmas', v)),
    originalSize: optional(o['original-size'], (v) => pixelSize('--original-size', v)),
    cropTopLeft: optional(o.crop, (v) => crop('--crop', v)),
    targetSize: optional(o['target-size'], (v) => pixelSize('--target-size', v)),
    initImage: optional(o['init-image'], resolve),
    strength: optional(o.strength, (v) => num('--strength', v)),
    mask: optional(o.mask, resolve),
    maskBlur: optional(o['mask-blur'], (v) => num('--mask-blur', v)),
    maskedContent: o['masked-content'] as RunSpec['maskedContent'],
    inpaintArea: o['inpaint-area'] as RunSpec['inpaintArea'],
    maskPadding: optional(o['mask-padding'], (v) => int('--mask-padding', v)),
    inpaintNode: o['inpaint-node'] as RunSpec['inpaintNode'],
    growMaskBy: optional(o['grow-mask-by'], (v) => int('--grow-mask-by', v)),
    refiner: optional(o.refiner, resolve),
    refinerSwitchAt: optional(o['refiner-switch-at'], (v) => num('--refiner-switch-at', v)),
  });
  const options: RunOptions = { provider: o.provider as ProviderName, returnTensors: o.dump !== undefined };
  return runAndWrite(spec, options, o, engine, o.dump);
}

async function invert(args: string[], engine?: EngineClient): Promise<number> {
  const options = { ...RUN_FLAGS, image: { type: 'string' }, steps: { type: 'string', default: '50' } } as const;
  const { values: o } = parseArgs({ args, options });
  if (!o.image) throw new UsageError('--image <file> is required: the image to invert');
  const spec = runSpec({
    ...commonSpec(o),
    // Inversion draws nothing: the seed only names the run.
    seed: optional(o.seed, (v) => int('--seed', v)) ?? 0,
    steps: int('--steps', o.steps),
    guidanceScale: optional(o.guidance, (v) => num('--guidance', v)) ?? 1,
    initImage: resolve(o.image),
    invert: true,
  });
  return runAndWrite(spec, { provider: o.provider as ProviderName }, o, engine);
}

/** The spec fields every running command sets from its flags. */
function commonSpec(o: RunFlags): RunSpecInput {
  if (!PROVIDER_NAMES.includes(o.provider as ProviderName))
    throw new UsageError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}`);
  if (!o.model && !existsSync(defaultModelDir()))
    throw new UsageError(`no --model given, and the default model is missing (${defaultModelDir()})`);
  return {
    modelDir: resolve(o.model ?? defaultModelDir()),
    prompt: o.prompt!,
    negativePrompt: o.negative ?? '',
    seed: optional(o.seed, (v) => int('--seed', v)) ?? RANDOM_SEED,
    guidanceScale: optional(o.guidance, (v) => num('--guidance', v)),
  };
}

/** Checks the spec, runs it and writes its images (and dump); prints what ran. */
async function runAndWrite(
  spec: RunSpec,
  options: RunOptions,
  o: RunFlags,
  started: EngineClient | undefined,
  dump?: string,
): Promise<number> {
  if (!o.out) throw new UsageError('--out <file.png> is required');
  const problem = checkRunSpec(spec)[0];
  if (problem) throw new UsageError(`${flagOf(spec, problem.field)}: ${problem.message}`);
  // Refuse before spending time on inference when an output cannot be written.
  const { images, dump: dumpDir } = usage(() => planOutputs(o.out!, spec.batchSize, o.force!, dump));

  const engine = started ?? cliEngine(o.verbose);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    // Step counts for a terminal only: a script's or a cluster job's run asks the engine for no step events.
    const onStep = process.stderr.isTTY
      ? (e: StepEvent) => process.stderr.write(`\rstep ${e.step + 1}/${e.totalSteps}`)
      : undefined;
    const run = await executeRun(engine, prepareRun(spec), options, { signal: abort.signal, onStep }).catch(
      (err: unknown) => {
        // A bad input image, or a value given by a flag that the model refuses, is the user's to fix: a usage
        // error naming the flag.
        if (err instanceof RunInputError) throw new UsageError(`${flagOf(spec, err.field)}: ${err.message}`);
        const field = err instanceof EngineError && err.code === 'BAD_REQUEST' ? err.field : undefined;
        if (field && spec[field] !== undefined)
          throw new UsageError(`${flagOf(spec, field)}: ${(err as Error).message}`);
        throw err;
      },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (let i = 0; i < run.images.length; i++) writeFileSafely(images[i], run.images[i].png, o.force!);
    if (dumpDir && run.tensors) writeDump(dumpDir, run, o.force!);
    console.log(describeRun(run, options, images, dumpDir));
    return 0;
  } finally {
    engine.dispose();
  }
}

function optional<T>(value: string | undefined, parse: (v: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

/** The flag that set a spec field, for error messages: `invert` takes its image by --image. */
function flagOf(spec: RunSpec, field: keyof RunSpec): string {
  return spec.invert && field === 'initImage' ? '--image' : FLAGS[field];
}

/** The flag that sets each spec field of `generate`. */
const FLAGS: Record<keyof RunSpec, string> = {
  modelDir: '--model',
  prompt: '--prompt',
  negativePrompt: '--negative',
  seed: '--seed',
  subseed: '--subseed',
  subseedStrength: '--subseed-strength',
  etaNoiseSeedDelta: '--ensd',
  steps: '--steps',
  guidanceScale: '--guidance',
  guidanceRescale: '--guidance-rescale',
  eta: '--eta',
  width: '--width',
  height: '--height',
  batchSize: '--batch',
  scheduler: '--sampler/--scheduler-config',
  timesteps: '--timesteps',
  sigmas: '--sigmas',
  originalSize: '--original-size',
  cropTopLeft: '--crop',
  targetSize: '--target-size',
  initImage: '--init-image',
  strength: '--strength',
  mask: '--mask',
  maskBlur: '--mask-blur',
  maskedContent: '--masked-content',
  inpaintArea: '--inpaint-area',
  maskPadding: '--mask-padding',
  inpaintNode: '--inpaint-node',
  growMaskBy: '--grow-mask-by',
  invert: 'invert',
  toolSampler: '--sampler',
  noise: '--noise',
  refiner: '--refiner',
  refinerSwitchAt: '--refiner-switch-at',
};

/** --sampler (with --schedule-type or --scheduler) and --scheduler-config as the spec's sampler fields: a
 * diffusers scheduler override, or a tool sampler over the model's training schedule (samplerChoice.ts). */
function samplerFields(
  sampler: string | undefined,
  scheduleType: string | undefined,
  scheduler: string | undefined,
  configFile: string | undefined,
): Pick<RunSpec, 'scheduler' | 'toolSampler'> {
  const config = configFile === undefined ? undefined : readConfigFile(configFile);
  if (!sampler) {
    if (scheduleType !== undefined || scheduler !== undefined) {
      throw new UsageError('--schedule-type and --scheduler need a --sampler');
    }
    return { scheduler: config };
  }
  const choice = samplerChoice(sampler, { scheduleType, scheduler });
  if ('problem' in choice) throw new UsageError(`--sampler "${sampler}": ${choice.problem}`);
  // A tool sampler reads the training schedule and prediction type from the config file, if one is given.
  return choice.kind === 'tool'
    ? { scheduler: config, toolSampler: choice.toolSampler }
    : { scheduler: { ...config, ...choice.scheduler } };
}

function noiseConvention(value: string): NoiseConvention {
  if (!NOISE_CONVENTIONS.includes(value as NoiseConvention)) {
    throw new UsageError(`--noise must be one of ${NOISE_CONVENTIONS.join(', ')}, not "${value}"`);
  }
  return value as NoiseConvention;
}

/** Scheduler configs are a few hundred bytes; a cap keeps /dev/zero or a huge file from exhausting memory. */
const MAX_CONFIG_BYTES = 1_000_000;

function readConfigFile(file: string): Record<string, unknown> {
  const flag = '--scheduler-config';
  let value: unknown;
  try {
    value = readJsonFile(file, MAX_CONFIG_BYTES, RUN_LIMITS.schedulerNesting);
  } catch (err) {
    throw new UsageError(`${flag} ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `${flag} ${file}: expected a JSON object of scheduler keys, not ${Array.isArray(value) ? 'a list' : String(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

// Decimal notation only: Number() would also take '', ' ', '0x3', '0b101' and '1e3'.
const WHOLE = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function int(flag: string, value: string): number {
  if (!WHOLE.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  return Number(value);
}

function num(flag: string, value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not "${value}"`);
  return n;
}

/** A comma- or space-separated list of numbers; the engine checks order and range against the model. */
function numberList(flag: string, value: string): number[] {
  const items = value.split(/[\s,]+/).filter((v) => v !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs a list of numbers such as 999,749,499,249`);
  return items.map((v) => num(flag, v));
}

/** W×H as `1024x768`. */
function pixelSize(flag: string, value: string): PixelSize {
  const m = /^(\d+)[xX×](\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} must be <width>x<height> such as 1024x1024, not "${value}"`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** x,y of a crop's top-left corner: x from the left, y from the top. */
function crop(flag: string, value: string): { x: number; y: number } {
  const m = /^(\d+),(\d+)$/.exec(value.replace(/\s/g, ''));
  if (!m)
    throw new UsageError(`${flag} must be <x>,<y> (pixels from the left and the top) such as 0,0, not "${value}"`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/** Runs `argv` and exits this process with its status, stopping `engine` (started for it) on every path. */
export function runCommand(argv: string[], engine?: EngineClient): void {
  main(argv, engine).then(exitWhenWritten, (err: unknown) => {
    engine?.dispose();
    if (isUsageError(err)) {
      // The problem alone, on the terminal's last lines: the usage above it would push it out of sight.
      const problem = (err as Error).message.replace(/\s*\n\s*/g, ' ');
      console.error(`diffusion-lab: ${problem}\n(diffusion-lab --help lists the commands and flags)`);
      return exitWhenWritten(2);
    }
    const code = err instanceof EngineError ? ` [${err.code}]` : '';
    console.error(`diffusion-lab: ${(err as Error).message}${code}`);
    // A request the model refuses (a size its VAE cannot take, a step count a solver cannot run) is the
    // arguments' to change, as a refused flag is.
    exitWhenWritten(err instanceof EngineError && err.code === 'BAD_REQUEST' ? 2 : 1);
  });
}

/** Ours, or node:util parseArgs's (an unknown flag, a missing value, a stray argument). */
function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}

/** Exits once stdout and stderr are written out: into a pipe Node writes asynchronously, and exiting at once
 * cut a long error off at 64 KiB. */
function exitWhenWritten(code: number): void {
  let open = 2;
  const written = () => --open === 0 && process.exit(code);
  for (const stream of [process.stdout, process.stderr]) {
    // A reader gone (`| head`) fails the write, which still calls back: nothing is left to write there.
    stream.on('error', () => undefined);
    stream.write('', written);
  }
}
