// Prompt → text-encoder hidden states as A1111 makes them (modules/sd_hijack_clip.py): the attention
// syntax's weights applied to each chunk's output rows with the mean restored, chunks of one window
// each concatenated along the sequence axis. Guidance stacks the negative (or empty) prompt first, as
// diffusers does: [uncond × batch, text × batch]; the shorter of the two is padded with encodings of
// the empty prompt to the same number of chunks (A1111's "Pad prompt/negative prompt").
// SDXL (diffusers v0.35.2 pipeline_stable_diffusion_xl.py, encode_prompt): each chunk goes through both
// encoders, whose penultimate hidden states (hidden_states[-2], clip_skip None), each weighted, are
// concatenated along the width; the second encoder's pooled projection of the first chunk is
// `text_embeds` (A1111 takes the first chunk's too); an empty negative prompt becomes zeros when
// force_zeros_for_empty_prompt.
import type { Tensor } from '../core/tensor/tensor';
import { LRUCache } from 'lru-cache';
import { applyEmphasis } from '../core/prompt/emphasis';
import type { PromptChunk, ChunkedPrompt } from '../core/prompt/promptChunks';
import type { PromptTokenizer } from '../tokenizer/promptTokenizer';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { OnnxModel } from './onnxModel';
import type { ResolvedSpec, RunShape } from './requestCheck';
import { allFinite } from './finite';

export interface EncodedText {
  /** [2·batch or batch, chunks·window, hidden]. */
  hidden: Tensor<Float32Array>;
  /** SDXL: the second encoder's pooled projection per row, [2·batch or batch, width]. */
  pooled?: Tensor<Float32Array>;
  /** Present when classifier-free guidance runs (see runsGuidance). */
  uncond?: true;
  unknownWords: string[];
  /** A1111's count of the prompt's tokens (BOS, EOS and padding left out). */
  tokenCount: number;
  /** Windows each prompt was encoded in (after any truncation). */
  chunks: number;
  /** Prompt tokens in chunks the UNet could not take, dropped. */
  truncatedTokens: number;
  /** Why tokens were dropped, when they were (the run's warning). */
  truncation?: string;
}

interface Encoder {
  tokenizer: PromptTokenizer;
  model: OnnxModel;
  /** The output taken as the prompt's hidden states. */
  hidden: string;
}

/** A prompt's (or one window's) hidden states [seq, Σwidth] and, with a second encoder, its pooled projection. */
interface States {
  hidden: Float32Array;
  pooled?: Float32Array;
}

/** Whether classifier-free guidance runs: above scale 1 (diffusers), and not for a UNet with a guidance
 * embedding input (LCM's timestep_cond), which is distilled to follow g alone in one pass. */
export function runsGuidance(s: ModelSessions, guidanceScale: number): boolean {
  return guidanceScale > 1 && !s.unet.inputs.some((i) => i.name === 'timestep_cond');
}

export async function encodePrompts(
  s: ModelSessions,
  req: Pick<ResolvedSpec, 'prompt' | 'negativePrompt' | 'guidanceScale'>,
  shape: RunShape,
): Promise<EncodedText> {
  const encoders = textEncoders(s);
  const tokenize = (prompt: string) => encoders.map((e) => e.tokenizer.encode(prompt));
  const text = tokenize(req.prompt);
  const guided = runsGuidance(s, req.guidanceScale);
  const sdxl = s.textEncoder2 !== undefined;
  const zeros = guided && sdxl && s.folder.forceZerosForEmptyPrompt && req.negativePrompt === '';
  const prompts = guided && !zeros ? [tokenize(req.negativePrompt), text] : [text];
  const window = encoders[0].tokenizer.length;
  const fixed = unetWindows(s, window);
  const windows = fixed ?? Math.max(...prompts.map((p) => windowCount(p)));
  const short = prompts.some((p) => windowCount(p) < windows);
  const padding = short
    ? await encodeChunk(
        s,
        encoders,
        tokenize('').map((p) => p.chunks[0]),
      )
    : undefined;
  const states = await Promise.all(prompts.map((p) => encodeChunks(s, encoders, p, windows, padding)));
  if (zeros) states.unshift(zerosLike(states[0]));
  const cut = fixed !== undefined && prompts.some((p) => windowCount(p) > fixed);
  const truncatedTokens = text[0].chunks.slice(windows).reduce((n, c) => n + c.tokens, 0);
  const seq = windows * window;
  const hidden = stacked(
    states.map((st) => st.hidden),
    shape.batch,
    [seq, states[0].hidden.length / seq],
  );
  const pooled =
    states[0].pooled &&
    stacked(
      states.map((st) => st.pooled!),
      shape.batch,
      [states[0].pooled.length],
    );
  return {
    hidden,
    pooled,
    uncond: guided ? true : undefined,
    unknownWords: text[0].unknownWords,
    tokenCount: text[0].tokenCount,
    chunks: windows,
    truncatedTokens,
    truncation: cut ? truncationNote(windows, window, truncatedTokens) : undefined,
  };
}

/** The folder's encoders in diffusers' order; SDXL takes each one's penultimate hidden state. */
function textEncoders(s: ModelSessions): Encoder[] {
  const pairs = [
    [s.tokenizer, s.textEncoder],
    [s.tokenizer2, s.textEncoder2],
  ].filter((p): p is [PromptTokenizer, OnnxModel] => p[0] !== undefined && p[1] !== undefined);
  const sdxl = s.textEncoder2 !== undefined;
  return pairs.map(([tokenizer, model]) => ({
    tokenizer,
    model,
    hidden: sdxl ? penultimate(model) : 'last_hidden_state',
  }));
}

/** `hidden_states.N` holds the embeddings (0) and each layer's output (1..layers): [-2] is N = layers − 1. */
function penultimate(model: OnnxModel): string {
  const indices = model.outputs.map((o) => /^hidden_states\.(\d+)$/.exec(o.name)?.[1]).filter((n) => n !== undefined);
  const layers = Math.max(...indices.map(Number));
  if (!(layers >= 1)) {
    const why = 'SDXL conditions on the penultimate hidden state';
    throw new EngineFailure('MODEL_INVALID', `${model.label} exports no hidden_states.N outputs: ${why}`, {
      file: model.label,
    });
  }
  return `hidden_states.${layers - 1}`;
}

/** The windows a prompt takes; every encoder's tokenizer must split it alike (SDXL's two share a vocabulary). */
function windowCount(prompt: ChunkedPrompt[]): number {
  const counts = prompt.map((p) => p.chunks.length);
  if (counts.some((c) => c !== counts[0])) {
    const why = 'each window goes through both text encoders';
    const split = `the tokenizers split the prompt into ${counts.join(' and ')} windows`;
    throw new EngineFailure('MODEL_INVALID', `${split}; ${why}`);
  }
  return counts[0];
}

/** Each prompt's states repeated for the batch: [prompts·batch, ...rowShape]. */
function stacked(states: Float32Array[], batch: number, rowShape: number[]): Tensor<Float32Array> {
  const per = states[0].length;
  const data = new Float32Array(states.length * batch * per);
  states.forEach((st, k) => {
    for (let b = 0; b < batch; b++) data.set(st, (k * batch + b) * per);
  });
  return { data, shape: [states.length * batch, ...rowShape] };
}

function truncationNote(windows: number, window: number, dropped: number): string {
  return (
    `unet/model.onnx takes a fixed ${windows * window}-token context, so only the first ${windows} window(s) of ` +
    `${window - 2} tokens of each prompt were used (${dropped} of the prompt's tokens dropped; a UNet exported ` +
    'with a dynamic sequence axis takes longer prompts)'
  );
}

/** How many windows the UNet's encoder_hidden_states has room for when its sequence axis is fixed. */
function unetWindows(s: ModelSessions, window: number): number | undefined {
  const seq = s.unet.input('encoder_hidden_states').shape[1];
  return typeof seq === 'number' && seq > 0 ? Math.max(1, Math.floor(seq / window)) : undefined;
}

/** One prompt's chunks (per encoder), weighted, cut or padded to `count` windows, concatenated along the
 * sequence; the pooled projection is the first window's. */
async function encodeChunks(
  s: ModelSessions,
  encoders: Encoder[],
  prompt: ChunkedPrompt[],
  count: number,
  padding: States | undefined,
): Promise<States> {
  const windows = prompt[0].chunks.slice(0, count).map((_, k) => prompt.map((p) => p.chunks[k]));
  const encoded = await Promise.all(windows.map((chunks) => encodeChunk(s, encoders, chunks)));
  while (encoded.length < count) encoded.push(padding!);
  const hidden = new Float32Array(encoded.reduce((n, e) => n + e.hidden.length, 0));
  encoded.reduce((offset, e) => (hidden.set(e.hidden, offset), offset + e.hidden.length), 0);
  return { hidden, pooled: encoded[0].pooled };
}

/** Windows encoded per loaded model, the 16 used last: a sweep's batches, a seed walk and a re-run
 * encode the same prompts again (ComfyUI keeps a prompt's conditioning the same way). The states are never
 * written after encoding, and the sessions' encoders give the same states for the same ids and weights. */
const encodedWindows = new WeakMap<ModelSessions, LRUCache<string, Promise<States>>>();

/** One window through every encoder, from the loaded model's windows where it was encoded before. */
function encodeChunk(s: ModelSessions, encoders: Encoder[], chunks: PromptChunk[]): Promise<States> {
  const kept = encodedWindows.get(s) ?? new LRUCache<string, Promise<States>>({ max: 16 });
  encodedWindows.set(s, kept);
  const key = JSON.stringify(chunks.map((c) => [c.ids, c.multipliers]));
  const states = kept.get(key) ?? encodeWindow(s, encoders, chunks);
  kept.set(key, states);
  // A failed encoding is not kept: the next run tries again (and fails with its own error).
  states.catch(() => kept.peek(key) === states && kept.delete(key));
  return states;
}

/** One window through every encoder (chunks[k] tokenized by encoder k's tokenizer), each output's rows
 * weighted (A1111's "Original" emphasis), the widths concatenated. */
async function encodeWindow(s: ModelSessions, encoders: Encoder[], chunks: PromptChunk[]): Promise<States> {
  const outputs = await Promise.all(encoders.map((e, k) => runEncoder(e.model, chunks[k].ids)));
  const states = outputs.map((out, k) => {
    const h = out[encoders[k].hidden];
    const z = Float32Array.from(h.data);
    applyEmphasis(z, chunks[k].multipliers);
    return { data: z, shape: h.dims };
  });
  const seq = states[0].shape[1];
  if (states.some((h) => h.shape[1] !== seq)) {
    const counts = states.map((h) => h.shape[1]).join(' and ');
    throw new EngineFailure('MODEL_INVALID', `the text encoders give ${counts} tokens; the UNet needs them equal`);
  }
  const pooled = s.textEncoder2 ? outputs[outputs.length - 1].text_embeds.data : undefined;
  return { hidden: concatWidth(states), pooled: pooled && Float32Array.from(pooled) };
}

async function runEncoder(model: OnnxModel, ids: number[]): Promise<Awaited<ReturnType<OnnxModel['run']>>> {
  const out = await model.run({ input_ids: { data: ids, dims: [1, ids.length] } });
  if (!Object.values(out).every((o) => allFinite(o.data))) {
    throw new EngineFailure('NAN_OUTPUT', `${model.label} returned NaN or Inf`);
  }
  return out;
}

/** [1, seq, w₁] ‖ [1, seq, w₂] … → [seq, Σw], row-major. */
function concatWidth(parts: Tensor<Float32Array>[]): Float32Array {
  if (parts.length === 1) return parts[0].data;
  const seq = parts[0].shape[1];
  const widths = parts.map((p) => p.shape[2]);
  const width = widths.reduce((a, w) => a + w, 0);
  const data = new Float32Array(seq * width);
  for (let t = 0; t < seq; t++) {
    let at = t * width;
    parts.forEach((p, k) => {
      data.set(p.data.subarray(t * widths[k], (t + 1) * widths[k]), at);
      at += widths[k];
    });
  }
  return data;
}

function zerosLike(p: States): States {
  return { hidden: new Float32Array(p.hidden.length), pooled: p.pooled && new Float32Array(p.pooled.length) };
}
