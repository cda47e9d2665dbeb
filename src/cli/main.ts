// `diffusion-lab` command line: generate images with the same engine process the extension uses,
// and install the optional CUDA provider.
import { parseArgs } from 'node:util';
import { EngineClient, EngineError } from '../engine/engineClient';
import { defaultModelDir, engineEntry } from '../engine/enginePaths';
import { fromA1111Sampler } from '../engine/outputs/samplerNames';
import type { GenerateRequest, ProviderName } from '../protocol/engine';
import { installCuda } from './installCuda';
import { describeRun } from './report';
import { outputPaths, writeDump, writeFileSafely } from './outputFiles';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const USAGE = `usage:
  diffusion-lab generate --prompt "..." --out out.png [options]
      --model <folder>       diffusers/Optimum ONNX folder (default: the shipped models/tiny-shapes)
      --negative "..."       negative prompt
      --seed <n>             default: random; printed
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

const PROVIDERS: ProviderName[] = ['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'generate') return generate(rest);
  if (command === 'install-cuda') return installCuda();
  console.log(USAGE);
  return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

async function generate(args: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string', default: '' },
      negative: { type: 'string' },
      seed: { type: 'string' },
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
  if (!PROVIDERS.includes(o.provider as ProviderName)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
  if (!o.model && !existsSync(defaultModelDir())) throw new UsageError(`no --model given, and the default model is missing (${defaultModelDir()})`);
  const request: GenerateRequest = {
    modelDir: resolve(o.model ?? defaultModelDir()),
    prompt: o.prompt!,
    negativePrompt: o.negative,
    seed: o.seed === undefined ? Math.floor(Math.random() * 4294967294) : int('--seed', o.seed),
    steps: int('--steps', o.steps!),
    guidanceScale: o.guidance === undefined ? undefined : num('--guidance', o.guidance),
    guidanceRescale: o['guidance-rescale'] === undefined ? undefined : num('--guidance-rescale', o['guidance-rescale']),
    width: o.width === undefined ? undefined : int('--width', o.width),
    height: o.height === undefined ? undefined : int('--height', o.height),
    batchSize: o.batch === undefined ? undefined : int('--batch', o.batch),
    scheduler: schedulerChoice(o.sampler, o['scheduler-config']),
    timesteps: o.timesteps === undefined ? undefined : numberList('--timesteps', o.timesteps),
    sigmas: o.sigmas === undefined ? undefined : numberList('--sigmas', o.sigmas),
    provider: o.provider as ProviderName,
    returnTensors: o.dump !== undefined,
  };
  // Refuse before spending time on inference when an output exists.
  const paths = outputPaths(resolve(o.out), request.batchSize ?? 1, o.force!);

  const { enginePath, execArgv } = engineEntry();
  const log = (level: string, m: string) => (o.verbose || level === 'error') && process.stderr.write(`engine: ${m}\n`);
  const engine = new EngineClient({ enginePath, execArgv, log });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const result = await engine.generate(request, {
      signal: abort.signal,
      onStep: (e) => process.stderr.isTTY && process.stderr.write(`\rstep ${e.step + 1}/${e.totalSteps}`),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (let i = 0; i < result.images.length; i++) writeFileSafely(paths[i], result.images[i].png, o.force!);
    if (o.dump && result.tensors) writeDump(resolve(o.dump), result, request, o.force!);
    console.log(describeRun(request, result, paths, o.dump && resolve(o.dump)));
    return 0;
  } finally {
    engine.dispose();
  }
}

/** --sampler and --scheduler-config as the request's scheduler override. */
function schedulerChoice(sampler: string | undefined, configFile: string | undefined): Record<string, unknown> | undefined {
  let config: Record<string, unknown> | undefined;
  if (configFile) {
    try {
      config = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (err) {
      throw new UsageError(`--scheduler-config ${configFile}: ${(err as Error).message}`);
    }
  }
  if (!sampler) return config;
  const choice = fromA1111Sampler(sampler);
  if (!choice) throw new UsageError(`unknown sampler "${sampler}" (give a diffusers class such as DDIMScheduler or an A1111 name such as "Euler a")`);
  return { ...config, _class_name: choice.className, ...choice.options };
}

class UsageError extends Error {}

function int(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  return n;
}

function num(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not "${value}"`);
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
