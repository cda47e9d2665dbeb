// Prompt → text-encoder hidden states as A1111 makes them (modules/sd_hijack_clip.py): the attention
// syntax's weights applied to each chunk's output rows with the mean restored, chunks of one window
// each concatenated along the sequence axis. Guidance stacks the negative (or empty) prompt first, as
// diffusers does: [uncond × batch, text × batch]; the shorter of the two is padded with encodings of
// the empty prompt to the same number of chunks (A1111's "Pad prompt/negative prompt").
import type { Tensor } from '../core/tensor/tensor';
import { applyEmphasis } from '../core/prompt/emphasis';
import type { PromptChunk, ChunkedPrompt } from '../core/prompt/promptChunks';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { ResolvedSpec, RunShape } from './requestCheck';
import { allFinite } from './finite';

export interface EncodedText {
  /** [2·batch or batch, chunks·window, hidden]. */
  hidden: Tensor<Float32Array>;
  /** Present when classifier-free guidance runs (scale > 1). */
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

export async function encodePrompts(s: ModelSessions, req: ResolvedSpec, shape: RunShape): Promise<EncodedText> {
  const tokenizer = s.tokenizer!;
  const text = tokenizer.encode(req.prompt);
  const guided = req.guidanceScale > 1;
  const prompts = guided ? [tokenizer.encode(req.negativePrompt), text] : [text];
  const fixed = unetWindows(s, tokenizer.length);
  const windows = fixed ?? Math.max(...prompts.map((p) => p.chunks.length));
  const short = prompts.some((p) => p.chunks.length < windows);
  const padding = short ? await encodeChunk(s, tokenizer.encode('').chunks[0]) : undefined;
  const states = await Promise.all(prompts.map((p) => encodeChunks(s, p, windows, padding)));
  const cut = fixed !== undefined && prompts.some((p) => p.chunks.length > fixed);
  const truncatedTokens = text.chunks.slice(windows).reduce((n, c) => n + c.tokens, 0);
  return {
    hidden: stacked(states, shape.batch, windows * tokenizer.length),
    uncond: guided ? true : undefined,
    unknownWords: text.unknownWords,
    tokenCount: text.tokenCount,
    chunks: windows,
    truncatedTokens,
    truncation: cut ? truncationNote(windows, tokenizer.length, truncatedTokens) : undefined,
  };
}

/** Each prompt's states repeated for the batch: [prompts·batch, seq, hidden]. */
function stacked(states: Float32Array[], batch: number, seq: number): Tensor<Float32Array> {
  const per = states[0].length;
  const data = new Float32Array(states.length * batch * per);
  states.forEach((st, k) => {
    for (let b = 0; b < batch; b++) data.set(st, (k * batch + b) * per);
  });
  return { data, shape: [states.length * batch, seq, per / seq] };
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

/** One prompt's chunks, weighted, cut or padded to `count` windows, concatenated. */
async function encodeChunks(
  s: ModelSessions,
  prompt: ChunkedPrompt,
  count: number,
  padding: Float32Array | undefined,
): Promise<Float32Array> {
  const encoded = await Promise.all(prompt.chunks.slice(0, count).map((c) => encodeChunk(s, c)));
  while (encoded.length < count) encoded.push(padding!);
  const out = new Float32Array(encoded.reduce((n, e) => n + e.length, 0));
  encoded.reduce((offset, e) => (out.set(e, offset), offset + e.length), 0);
  return out;
}

/** One window through the text encoder, its rows weighted (A1111's "Original" emphasis). */
async function encodeChunk(s: ModelSessions, chunk: PromptChunk): Promise<Float32Array> {
  const out = await s.textEncoder!.run({ input_ids: { data: chunk.ids, dims: [1, chunk.ids.length] } });
  const z = Float32Array.from(out.last_hidden_state.data);
  if (!allFinite(z)) throw new EngineFailure('NAN_OUTPUT', 'the text encoder returned NaN or Inf');
  applyEmphasis(z, chunk.multipliers);
  return z;
}
