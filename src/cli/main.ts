// `diffusion-lab` command line: generate images with the same engine process the extension uses,
// and install the optional CUDA provider.
import { parseArgs } from 'node:util';
import { SCHEDULER_CLASSES } from '../core/config/schedulerClasses';
import { PROVIDER_NAMES, type ProviderName, type RunOptions } from '../protocol/engine';
import { checkRunSpec, RANDOM_SEED, runSpec, type RunSpec } from '../protocol/run';
import { EngineClient, EngineError } from '../runs/engineClient';
import { defaultModelDir, engineEntry } from '../runs/enginePaths';
import { executeRun, prepareRun } from '../runs/executeRun';
import { fromA1111Sampler } from '../runs/samplerNames';
import { installCuda } from './installCuda';
import { describeRun } from './report';
import { checkDumpFolder, outputPaths, writeDump, writeFileSafely } from './outputFiles';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const USAGE = `usage:
  diffusion-lab generate --prompt "..." --out out.png [options]
      --model <folder>       diffusers/Optimum ONNX folder (default: the shipped models/tiny-shapes)
      --negative "..."       negative prompt
      --seed <n>             default: random; printed
      --subseed <n> --subseed-strength <0..1>  A1111's variation seed and strength (-1: random)
      --steps <n>            default 20
      --guidance <g>         classifier-free guidance scale (1 turns guidance off); default: the
                             model's (_diffusion_lab.guidance_scale in model_index.json), else 7.5
      --guidance-rescale <φ> Lin et al. rescale, 0..1, default 0
      --sampler <name>       a diffusers class (DDIMScheduler) or an A1111 name ("DPM++ 2M Karras")
      --scheduler-config <file.json>  a scheduler_config.json to use instead of the model's
      --timesteps <t,t,...>  explicit descending training timesteps, one step each (replaces --steps)
      --sigmas <s,s,...>     explicit descending σ, the final one included (replaces --steps)
      --width <px> --height <px> --batch <n>
      --provider <p>         auto | cuda | webgpu | dml | coreml | cpu (default auto)
      --dump <folder>        also write final latents and decoded image as raw float32 + meta.json
      --force                replace existing output files
      --verbose              also show the engine's log (onnxruntime's provider messages)
  diffusion-lab install-cuda   download onnxruntime's CUDA 12 provider (Linux x64, about 400 MB)`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'generate') return generate(rest);
  if (command === 'install-cuda') return installCuda();
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

async function generate(args: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string', default: '' },
      negative: { type: 'string' },
      seed: { type: 'string' },
      subseed: { type: 'string' },
      'subseed-strength': { type: 'string' },
      steps: { type: 'string', default: '20' },
      guidance: { type: 'string' },
      'guidance-rescale': { type: 'string' },
      sampler: { type: 'string' },
      'scheduler-config': { type: 'string' },
      timesteps: { type: 'string' },
      sigmas: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      batch: { type: 'string' },
      provider: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      dump: { type: 'string' },
      force: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!o.out) throw new UsageError('--out <file.png> is required');
  if (!PROVIDER_NAMES.includes(o.provider as ProviderName)) throw new UsageError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}`);
  if (!o.model && !existsSync(defaultModelDir())) throw new UsageError(`no --model given, and the default model is missing (${defaultModelDir()})`);
  const optional = <T>(value: string | undefined, parse: (v: string) => T) => (value === undefined ? undefined : parse(value));
  const spec = runSpec({
    modelDir: resolve(o.model ?? defaultModelDir()),
    prompt: o.prompt,
    negativePrompt: o.negative ?? '',
    seed: optional(o.seed, (v) => int('--seed', v)) ?? RANDOM_SEED,
    subseed: optional(o.subseed, (v) => int('--subseed', v)),
    subseedStrength: optional(o['subseed-strength'], (v) => num('--subseed-strength', v)),
    steps: int('--steps', o.steps),
    guidanceScale: optional(o.guidance, (v) => num('--guidance', v)),
    guidanceRescale: optional(o['guidance-rescale'], (v) => num('--guidance-rescale', v)) ?? 0,
    width: optional(o.width, (v) => int('--width', v)),
    height: optional(o.height, (v) => int('--height', v)),
    batchSize: optional(o.batch, (v) => int('--batch', v)) ?? 1,
    scheduler: schedulerChoice(o.sampler, o['scheduler-config']),
    timesteps: optional(o.timesteps, (v) => numberList('--timesteps', v)),
    sigmas: optional(o.sigmas, (v) => numberList('--sigmas', v)),
  });
  const problem = checkRunSpec(spec)[0];
  if (problem) throw new UsageError(`${FLAGS[problem.field]}: ${problem.message}`);
  const options: RunOptions = { provider: o.provider as ProviderName, returnTensors: o.dump !== undefined };
  // Refuse before spending time on inference when an output exists.
  const paths = usage(() => outputPaths(resolve(o.out!), spec.batchSize, o.force));
  if (o.dump) usage(() => checkDumpFolder(resolve(o.dump!), o.force));

  const { enginePath, execArgv } = engineEntry();
  const log = (level: string, m: string) => (o.verbose || level === 'error') && process.stderr.write(`engine: ${m}\n`);
  const engine = new EngineClient({ enginePath, execArgv, log });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const run = await executeRun(engine, prepareRun(spec), options, {
      signal: abort.signal,
      onStep: (e) => process.stderr.isTTY && process.stderr.write(`\rstep ${e.step + 1}/${e.totalSteps}`),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (let i = 0; i < run.images.length; i++) writeFileSafely(paths[i], run.images[i].png, o.force);
    if (o.dump && run.tensors) writeDump(resolve(o.dump), run, o.force);
    console.log(describeRun(run, options, paths, o.dump && resolve(o.dump)));
    return 0;
  } finally {
    engine.dispose();
  }
}

/** The flag that sets each spec field, for error messages. */
const FLAGS: Record<keyof RunSpec, string> = {
  modelDir: '--model',
  prompt: '--prompt',
  negativePrompt: '--negative',
  seed: '--seed',
  subseed: '--subseed',
  subseedStrength: '--subseed-strength',
  steps: '--steps',
  guidanceScale: '--guidance',
  guidanceRescale: '--guidance-rescale',
  width: '--width',
  height: '--height',
  batchSize: '--batch',
  scheduler: '--sampler/--scheduler-config',
  timesteps: '--timesteps',
  sigmas: '--sigmas',
};

/** --sampler and --scheduler-config as the request's scheduler override. */
function schedulerChoice(sampler: string | undefined, configFile: string | undefined): Record<string, unknown> | undefined {
  const config = configFile === undefined ? undefined : readConfigFile(configFile);
  if (!sampler) return config;
  const choice = fromA1111Sampler(sampler);
  if (!choice) throw new UsageError(`unknown sampler "${sampler}" (give a diffusers class such as DDIMScheduler or an A1111 name such as "Euler a")`);
  // "DDIM Karras" would otherwise run plain DDIM: diffusers' DDIM has no Karras σ.
  const missing = Object.keys(choice.options).filter((key) => !(key in (SCHEDULER_CLASSES[choice.className]?.keys ?? {})));
  if (missing.length) throw new UsageError(`--sampler "${sampler}": ${choice.className} has no ${missing.join(', ')}, so it cannot run that schedule`);
  return { ...config, _class_name: choice.className, ...choice.options };
}

/** Scheduler configs are a few hundred bytes; a cap keeps /dev/zero or a huge file from exhausting memory. */
const MAX_CONFIG_BYTES = 1_000_000;

function readConfigFile(file: string): Record<string, unknown> {
  const flag = '--scheduler-config';
  let value: unknown;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) throw new Error(`${stat.size} bytes, more than ${MAX_CONFIG_BYTES}`);
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${flag} ${file}: expected a JSON object of scheduler keys, not ${Array.isArray(value) ? 'a list' : String(value)}`);
  }
  return value as Record<string, unknown>;
}

class UsageError extends Error {}

/** Runs a check whose failure is the user's to fix, as a usage error (exit 2). */
function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
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

/** Runs the command line of this process and exits with its status. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        console.error(`diffusion-lab: ${(err as Error).message}\n\n${USAGE}`);
        process.exit(2);
      }
      const code = err instanceof EngineError ? ` [${err.code}]` : '';
      console.error(`diffusion-lab: ${(err as Error).message}${code}`);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
