// Prompt → text-encoder hidden states, with the negative (or empty) prompt first when guidance runs,
// as diffusers stacks them: [uncond × batch, text × batch]. SDXL (diffusers v0.35.2
// pipeline_stable_diffusion_xl.py, encode_prompt): both encoders' penultimate hidden states
// (hidden_states[-2], clip_skip None) concatenated along the width, and the second encoder's pooled
// projection `text_embeds`; an empty negative prompt becomes zeros when force_zeros_for_empty_prompt.
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { OnnxModel } from './onnxModel';
import type { PromptTokenizer, TokenizedPrompt } from './promptTokenizer';
import type { RunShape } from './requestCheck';
import { allFinite } from './finite';

export interface EncodedText {
  /** [2·batch or batch, seq, hidden]. */
  hidden: Tensor<Float32Array>;
  /** SDXL: the second encoder's pooled projection per row, [2·batch or batch, width]. */
  pooled?: Tensor<Float32Array>;
  /** Present when classifier-free guidance runs. */
  uncond?: true;
  unknownWords: string[];
  truncatedTokens: number;
}

interface Encoder {
  tokenizer: PromptTokenizer;
  model: OnnxModel;
  /** The output taken as the prompt's hidden states. */
  hidden: string;
}

/** One prompt's hidden states [1, seq, width] and, with a second encoder, its pooled projection [1, width]. */
interface PromptStates {
  hidden: Tensor<Float32Array>;
  pooled?: Tensor<Float32Array>;
}

export async function encodePrompts(
  s: ModelSessions,
  prompt: string,
  negativePrompt: string,
  guided: boolean,
  shape: RunShape,
): Promise<EncodedText> {
  const encoders = textEncoders(s);
  const tokens = encoders.map((e) => e.tokenizer.encode(prompt));
  const text = await encodeTokens(s, encoders, tokens);
  const rows = [text];
  if (guided) {
    const zeros = s.textEncoder2 !== undefined && s.folder.forceZerosForEmptyPrompt && negativePrompt === '';
    const negative = () => encodeTokens(s, encoders, encoders.map((e) => e.tokenizer.encode(negativePrompt)));
    rows.unshift(zeros ? zerosLike(text) : await negative());
  }
  const { unknownWords, truncatedTokens } = tokens[0];
  return {
    hidden: repeatRows(rows.map((r) => r.hidden), shape.batch),
    pooled: text.pooled && repeatRows(rows.map((r) => r.pooled!), shape.batch),
    uncond: guided ? true : undefined,
    unknownWords,
    truncatedTokens,
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
    throw new EngineFailure('MODEL_INVALID', `${model.label} exports no hidden_states.N outputs: ${why}`, { file: model.label });
  }
  return `hidden_states.${layers - 1}`;
}

async function encodeTokens(s: ModelSessions, encoders: Encoder[], tokens: TokenizedPrompt[]): Promise<PromptStates> {
  const outputs = await Promise.all(encoders.map((e, k) => runEncoder(e.model, tokens[k].ids)));
  const states = outputs.map((out, k) => out[encoders[k].hidden]);
  const seq = states[0].dims[1];
  if (states.some((h) => h.dims[1] !== seq)) {
    const counts = states.map((h) => h.dims[1]).join(' and ');
    throw new EngineFailure('MODEL_INVALID', `the text encoders give ${counts} tokens; the UNet needs them equal`);
  }
  const hidden = concatWidth(states.map((h) => ({ data: h.data, shape: h.dims })));
  const pooled = s.textEncoder2 ? outputs[outputs.length - 1].text_embeds : undefined;
  return { hidden, pooled: pooled && { data: pooled.data, shape: pooled.dims } };
}

async function runEncoder(model: OnnxModel, ids: number[]): Promise<Awaited<ReturnType<OnnxModel['run']>>> {
  const out = await model.run({ input_ids: { data: ids, dims: [1, ids.length] } });
  if (!Object.values(out).every((o) => allFinite(o.data))) {
    throw new EngineFailure('NAN_OUTPUT', `${model.label} returned NaN or Inf`);
  }
  return out;
}

/** [1, seq, w₁] ‖ [1, seq, w₂] … → [1, seq, Σw]. */
function concatWidth(parts: Tensor<Float32Array>[]): Tensor<Float32Array> {
  if (parts.length === 1) return parts[0];
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
  return { data, shape: [1, seq, width] };
}

function zerosLike(p: PromptStates): PromptStates {
  const zero = (t: Tensor<Float32Array>) => ({ data: new Float32Array(t.data.length), shape: t.shape });
  return { hidden: zero(p.hidden), pooled: p.pooled && zero(p.pooled) };
}

/** Rows of one prompt each, every one repeated `batch` times in order: [r₀ × batch, r₁ × batch, …]. */
function repeatRows(rows: Tensor<Float32Array>[], batch: number): Tensor<Float32Array> {
  const per = rows[0].data.length;
  const data = new Float32Array(rows.length * batch * per);
  rows.forEach((r, k) => {
    for (let b = 0; b < batch; b++) data.set(r.data, (k * batch + b) * per);
  });
  return { data, shape: [rows.length * batch, ...rows[0].shape.slice(1)] };
}
