// The onnxruntime sessions of one model folder on one execution provider, with each component's
// inputs and outputs checked against what the pipeline feeds it.
import type { ProviderName } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import { ModelFolderError, type ModelFolder } from '../modelFolder/modelFolder';
import { cachedModelHash } from '../modelFolder/hashCache';
import { componentBytes, cpuGraphCached, OnnxModel, SMALL_MODEL_BYTES, type SessionSettings } from './onnxModel';
import { PromptTokenizer } from '../tokenizer/promptTokenizer';
import { autoProviders, providerOrder, type ConcreteProvider } from './providers';
import { providerFailure } from './providerProbe';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { ModelFamilyReport } from '../core/model/modelFamily';
import { graphIo, recognizeLoaded, refuseFindings } from './folderRecognition';
import { modelFit, unetLayout, type ModelFit } from '../protocol/modelFit';
import { UnetPeer, type EngineLog } from './unetPeer';

export interface VaeEncoderSession {
  model: OnnxModel;
  /** The graph draws its own sample (RandomNormal ops, as Optimum 1.22 exported `latent_dist.sample()`):
   * its latents do not follow the run's seed. */
  samplesInGraph: boolean;
}

export interface ModelSessions {
  folder: ModelFolder;
  provider: ConcreteProvider;
  providerFallbacks: { provider: string; error: string }[];
  unet: OnnxModel;
  textEncoder?: OnnxModel;
  tokenizer?: PromptTokenizer;
  /** SDXL's second text encoder (pooled `text_embeds` and hidden states) and its tokenizer. */
  textEncoder2?: OnnxModel;
  tokenizer2?: PromptTokenizer;
  /** The folder's family, recommended settings and findings (src/core/model/modelFamily.ts). */
  family: ModelFamilyReport;
  /** What the model's graphs decide about a run (src/protocol/modelFit.ts). */
  fit: ModelFit;
  vaeDecoder?: OnnxModel;
  taesdDecoder?: OnnxModel;
  /** Opened by the first run that starts from an image (src/engine/vaeEncode.ts). */
  vaeEncoder?: VaeEncoderSession;
  /** Channels of the latents the UNet denoises: its sample channels, or (C − 1) / 2 for an
   * inpainting UNet that takes latents, mask and masked-image latents (diffusers: 4 + 1 + 4). */
  unetLatentChannels: number;
  inpaintingUnet: boolean;
  /** Batch rows per UNet call for a batch of `rows` (runUnet.ts); undefined: the whole batch in one call. */
  unetRowsPerCall?: (rows: number) => number;
  /** A small CPU UNet's second session, in a worker thread (unetPeer.ts). */
  unetPeer?: UnetPeer;
  /** modelHash of the folder, taken at load. */
  hash: string;
  loadMs: number;
  graphCacheDir?: string;
}

/** Opens the folder's TAESD decoder for a run that asks for its previews, once; a no-op without one. */
export async function loadTaesd(s: ModelSessions): Promise<void> {
  const path = s.folder.files.taesdDecoder;
  if (!path || s.taesdDecoder) return;
  const taesd = await openModel(s.folder, path, s.provider, true, { graphCacheDir: s.graphCacheDir });
  if (taesd.inputs.length !== 1 || taesd.outputs.length < 1) {
    await taesd.release();
    throw mismatch(taesd, 'latents → image', s.folder.dir);
  }
  s.taesdDecoder = taesd;
}

/** Opens the VAE encoder the first time a run starts from an image (text-to-image never needs it). */
export async function loadVaeEncoder(s: ModelSessions): Promise<VaeEncoderSession> {
  if (s.vaeEncoder) return s.vaeEncoder;
  const path = s.folder.files.vaeEncoder;
  if (!path) {
    const why = 'image-to-image, inpainting and inversion need the VAE encoder';
    throw new EngineFailure('BAD_REQUEST', `${s.folder.dir} has no vae_encoder/model.onnx: ${why}`);
  }
  const model = await openModel(s.folder, path, s.provider, true, { graphCacheDir: s.graphCacheDir });
  if (model.inputs.length !== 1 || model.inputs[0].name !== 'sample' || model.outputs.length < 1) {
    await model.release();
    throw mismatch(model, 'sample → latent_sample or latent_parameters', s.folder.dir);
  }
  // An op type is stored as its name in the graph's protobuf; weights live apart in external data.
  s.vaeEncoder = { model, samplesInGraph: readFileSync(path).includes('RandomNormal') };
  return s.vaeEncoder;
}

/** The UNet without onnxruntime's CPU arena (where it is large: onnxModel.ts): a real-size SD 1.5 UNet
 * (bench/realSizeUnet.bench.ts, 256², batch 2)
 * peaked at 3.73–3.74 GiB instead of 3.85–3.86, at the same call time within the machine's noise (14.5–16.6 s
 * against 14.6–17.2 s); the issue measured 10.2 → 7.5 GB at 512². */
const UNET_SETTINGS: SessionSettings = { cpuArena: false, threads: 1 };

/** The text encoders and VAE decoder without the CPU arena too (where large): an arena keeps a component's
 * activations after its call, so the decoder's from one run would sit beside the next run's UNet calls. A 512²
 * SD 1.5 run's second run on the same sessions peaked at 6.67 GiB with their arenas, 5.94 without; a 512²
 * decode took a median 13.6 s instead of 7.5 (bench/realSizeMemory.bench.ts, 2 loaded cores). */
const TRANSIENT_SETTINGS: SessionSettings = { cpuArena: false };

/** Guidance doubles the UNet's batch. A large UNet takes the rows one call at a time: its activations grow
 * with the batch (a real-size SD 1.5 UNet at 64² latents alone, arena off: one call at batch 2 peaked at
 * 7.12–7.23 GiB, two at batch 1 at 5.26–5.33), while a call's fixed cost is small beside its compute. A small
 * UNet on cpu takes them in two groups, one for each of its two sessions (unetPeer.ts); on other providers, in
 * one call: there the fixed cost is most of a call. */
function unetRowsPerCall(unet: OnnxModel, provider: ConcreteProvider): ((rows: number) => number) | undefined {
  if (unet.bytes >= SMALL_MODEL_BYTES) return () => 1;
  return provider === 'cpu' ? (rows) => Math.ceil(rows / 2) : undefined;
}

/** A peer for a small UNet on cpu, where there is a second core for it; started before the sessions open. */
function startUnetPeer(folder: ModelFolder, log: EngineLog): UnetPeer | undefined {
  const path = folder.files.unet;
  if (availableParallelism() < 2 || !(unetBytes(path) < SMALL_MODEL_BYTES)) return undefined;
  return new UnetPeer(relative(folder.dir, path), log);
}

/** The UNet's bytes; NaN where its folder cannot be read, which opening the UNet then reports. */
function unetBytes(path: string): number {
  try {
    return componentBytes(path);
  } catch {
    return NaN;
  }
}

interface Expected {
  inputs: string[];
  outputs: string[];
  /** Inputs a family adds (SDXL's added conditions, LCM's guidance embedding). */
  optional?: string[];
}

/** What each component must take and give (names as diffusers/Optimum export them). */
const EXPECTED: Record<string, Expected> = {
  textEncoder: { inputs: ['input_ids'], outputs: ['last_hidden_state'] },
  textEncoder2: { inputs: ['input_ids'], outputs: ['text_embeds', 'last_hidden_state'] },
  unet: {
    inputs: ['sample', 'timestep', 'encoder_hidden_states'],
    outputs: ['out_sample'],
    optional: ['text_embeds', 'time_ids', 'timestep_cond'],
  },
  unconditionalUnet: { inputs: ['sample', 'timestep'], outputs: ['out_sample'] },
  vaeDecoder: { inputs: ['latent_sample'], outputs: ['sample'] },
};

/** Opens the components a text-to-image run always needs, in parallel; the TAESD decoder waits for
 * a run that asks for its previews (loadTaesd). Optimized graphs are cached in `graphCacheDir`; `log` hears
 * what does not stop a run (a UNet peer opened, or one that could not open). */
export async function loadSessions(
  folder: ModelFolder,
  choice: ProviderName | undefined,
  graphCacheDir?: string,
  log: EngineLog = () => {},
): Promise<ModelSessions> {
  const started = performance.now();
  const fallbacks: { provider: string; error: string }[] = [];
  const order = providerOrder(choice);
  for (const [k, provider] of order.entries()) {
    const failure = await providerFailure(provider);
    if (failure) {
      fallbacks.push({ provider, error: shortError(failure) });
      continue;
    }
    const f = folder.files;
    const checkFile = order[k + 1] !== 'cpu';
    const open = (path: string | undefined, settings: SessionSettings = {}) =>
      path ? openModel(folder, path, provider, checkFile, { graphCacheDir, ...settings }) : Promise.resolve(undefined);
    const peer = provider === 'cpu' ? startUnetPeer(folder, log) : undefined;
    const peerSettings = { graphCacheDir, ...UNET_SETTINGS };
    // A graph an earlier start cached opens in the peer at once, beside this thread's sessions (ready for the
    // first steps: a CLI image 7-15 ms sooner); otherwise the peer waits for this thread's UNet to cache it.
    const peerOpening = peer !== undefined && cpuGraphCached(f.unet, graphCacheDir);
    if (peerOpening) peer.open(f.unet, peerSettings);
    const opened = await Promise.allSettled([
      open(f.unet, UNET_SETTINGS),
      open(f.textEncoder, TRANSIENT_SETTINGS),
      open(f.textEncoder2, TRANSIENT_SETTINGS),
      open(f.vaeDecoder, TRANSIENT_SETTINGS),
    ]);
    const models = opened.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    try {
      const failed = opened.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const value = (r: (typeof opened)[number]) => (r.status === 'fulfilled' ? r.value : undefined);
      const [unet, textEncoder, textEncoder2, vaeDecoder] = opened.map(value);
      const components = { unet, text_encoder: textEncoder, text_encoder_2: textEncoder2, vae_decoder: vaeDecoder };
      const family = recognizeLoaded(folder.dir, components);
      const [unetIo, decoderIo] = [graphIo(unet!), vaeDecoder && graphIo(vaeDecoder)];
      const sessions: ModelSessions = {
        folder,
        provider,
        providerFallbacks: fallbacks,
        unet: unet!,
        textEncoder,
        textEncoder2,
        vaeDecoder,
        family,
        fit: modelFit(folder, family, unetIo, decoderIo),
        hash: cachedModelHash(folder, graphCacheDir),
        loadMs: 0,
        graphCacheDir,
        ...unetLayout(unetIo, decoderIo),
        unetRowsPerCall: unetRowsPerCall(unet!, provider),
      };
      checkComponents(sessions);
      refuseFindings(folder.dir, family);
      if (textEncoder && f.tokenizerDir) sessions.tokenizer = loadTokenizer(f.tokenizerDir, textEncoder);
      if (textEncoder2 && f.tokenizer2Dir) sessions.tokenizer2 = loadTokenizer(f.tokenizer2Dir, textEncoder2);
      sessions.loadMs = performance.now() - started;
      // Opening in the background: until it is open the engine thread runs both row groups itself.
      if (peer && !unet!.fixedBatch('sample')) {
        if (!peerOpening) peer.open(f.unet, peerSettings);
        sessions.unetPeer = peer;
      } else void peer?.release();
      return sessions;
    } catch (err) {
      await Promise.all([...models.map((m) => m.release()), peer?.release()]);
      // A bad file is the folder's problem on every provider (the tokenizer's errors are ModelFolderErrors).
      if (err instanceof EngineFailure || err instanceof ModelFolderError) throw err;
      fallbacks.push({ provider, error: shortError(err) });
    }
  }
  if (fallbacks.length === 1) {
    const [{ provider, error }] = fallbacks;
    const hint =
      provider === 'cuda' && !autoProviders().includes('cuda') ? ' (install it with `diffusion-lab install-cuda`)' : '';
    throw new EngineFailure('PROVIDER_FAILED', `the ${provider} execution provider could not start${hint}: ${error}`);
  }
  throw new EngineFailure(
    'PROVIDER_FAILED',
    `no execution provider could start: ${fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')}`,
  );
}

/** A text encoder's tokenizer, at the sequence length its input_ids take when that is fixed. */
function loadTokenizer(dir: string, encoder: OnnxModel): PromptTokenizer {
  const seq = encoder.input('input_ids').shape[1];
  return PromptTokenizer.load(dir, typeof seq === 'number' && seq > 0 ? seq : undefined);
}

/** Opens one component. When a provider that started fails on it, a cpu session tells a broken file from
 * a provider problem, unless cpu comes next anyway (`checkFile` false) and will tell by loading it. */
async function openModel(
  folder: ModelFolder,
  path: string,
  provider: ConcreteProvider,
  checkFile: boolean,
  settings: SessionSettings,
): Promise<OnnxModel> {
  const label = relative(folder.dir, path);
  try {
    return await OnnxModel.create(path, label, provider, settings);
  } catch (err) {
    if (provider === 'cpu') throw badFile(path, err);
    if (!checkFile) throw err;
    try {
      await (await OnnxModel.create(path, label, 'cpu')).release();
    } catch (cpuErr) {
      throw badFile(path, cpuErr);
    }
    throw err;
  }
}

function badFile(path: string, err: unknown): EngineFailure {
  return new EngineFailure('MODEL_INVALID', `cannot load ${path}: ${shortError(err)}`, { file: path });
}

/** onnxruntime's first message line without its source location and assertion text. */
function shortError(err: unknown): string {
  return (err as Error).message.split('\n')[0].replace(/^.*(\] : \d+ : \w+ : |was false\. )/, '');
}

function checkComponents(s: ModelSessions): void {
  const text2img = s.folder.kind === 'text2img';
  expectIO(s.unet, text2img ? EXPECTED.unet : EXPECTED.unconditionalUnet, s.folder.dir);
  if (s.textEncoder) expectIO(s.textEncoder, EXPECTED.textEncoder, s.folder.dir);
  if (s.textEncoder2) expectIO(s.textEncoder2, EXPECTED.textEncoder2, s.folder.dir);
  if (s.vaeDecoder) expectIO(s.vaeDecoder, EXPECTED.vaeDecoder, s.folder.dir);
  const rank = (m: OnnxModel, name: string, r: number) => m.input(name).shape.length === r;
  if (!rank(s.unet, 'sample', 4))
    throw mismatch(s.unet, 'sample of rank 4 [batch, channels, height, width]', s.folder.dir);
  if (text2img) {
    if (!rank(s.unet, 'encoder_hidden_states', 3))
      throw mismatch(s.unet, 'encoder_hidden_states of rank 3', s.folder.dir);
    // SDXL concatenates both encoders' widths: the recognizer's text-width-mismatch finding checks those.
    const last = s.textEncoder2 ? undefined : s.textEncoder!.outputs.find((o) => o.name === 'last_hidden_state');
    const hidden = last?.shape[2];
    const context = s.unet.input('encoder_hidden_states').shape[2];
    if (typeof hidden === 'number' && typeof context === 'number' && hidden !== context) {
      throw new EngineFailure(
        'MODEL_INVALID',
        `text_encoder/model.onnx gives ${hidden}-wide hidden states but unet/model.onnx takes ${context} (text encoder and UNet come from different models)`,
        { file: s.folder.files.unet },
      );
    }
    const channels = s.unet.input('sample').shape[1];
    const latent = s.vaeDecoder!.input('latent_sample').shape[1];
    if (typeof channels === 'number' && typeof latent === 'number' && s.unetLatentChannels !== latent) {
      throw new EngineFailure(
        'MODEL_INVALID',
        `unet/model.onnx works on ${channels} latent channels but vae_decoder/model.onnx decodes ${latent}`,
        {
          file: s.folder.files.vaeDecoder,
        },
      );
    }
  }
}

function expectIO(m: OnnxModel, e: Expected, dir: string): void {
  const ok =
    e.inputs.every((n) => m.inputs.some((i) => i.name === n)) &&
    m.inputs.every((i) => e.inputs.includes(i.name) || e.optional?.includes(i.name)) &&
    e.outputs.every((n) => m.outputs.some((o) => o.name === n));
  if (!ok) throw mismatch(m, `${e.inputs.join(', ')} → ${e.outputs.join(', ')}`, dir);
}

function mismatch(m: OnnxModel, expected: string, dir: string): EngineFailure {
  return new EngineFailure('MODEL_INVALID', `${m.label} does not fit: expected ${expected}; found ${m.describe()}`, {
    file: join(dir, m.label),
  });
}
