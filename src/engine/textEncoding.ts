// Prompt → text-encoder hidden states, with the negative (or empty) prompt first when guidance runs,
// as diffusers stacks them: [uncond × batch, text × batch].
import type { Tensor } from '../core/tensor/tensor';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { ResolvedSpec, RunShape } from './requestCheck';
import { allFinite } from './finite';

export interface EncodedText {
  /** [2·batch or batch, seq, hidden]. */
  hidden: Tensor<Float32Array>;
  /** Present when classifier-free guidance runs (scale > 1). */
  uncond?: true;
  unknownWords: string[];
  truncatedTokens: number;
}

export async function encodePrompts(s: ModelSessions, req: ResolvedSpec, shape: RunShape): Promise<EncodedText> {
  const tokenizer = s.tokenizer!;
  const text = tokenizer.encode(req.prompt);
  const guided = req.guidanceScale > 1;
  const prompts = guided ? [tokenizer.encode(req.negativePrompt), text] : [text];
  const states = await Promise.all(prompts.map((p) => encodeIds(s, p.ids)));
  const [seq, width] = states[0].shape.slice(1);
  const per = seq * width;
  const hidden = new Float32Array(prompts.length * shape.batch * per);
  states.forEach((st, k) => {
    for (let b = 0; b < shape.batch; b++) hidden.set(st.data, (k * shape.batch + b) * per);
  });
  return {
    hidden: { data: hidden, shape: [prompts.length * shape.batch, seq, width] },
    uncond: guided ? true : undefined,
    unknownWords: text.unknownWords,
    truncatedTokens: text.truncatedTokens,
  };
}

async function encodeIds(s: ModelSessions, ids: number[]): Promise<Tensor<Float32Array>> {
  const out = await s.textEncoder!.run({ input_ids: { data: ids, dims: [1, ids.length] } });
  const h = out.last_hidden_state;
  if (!allFinite(h.data)) throw new EngineFailure('NAN_OUTPUT', 'the text encoder returned NaN or Inf');
  return { data: h.data, shape: h.dims };
}
