// Long prompts as A1111 encodes them (stable-diffusion-webui v1.10.1, modules/sd_hijack_clip.py
// `tokenize_line`): the weighted pieces' tokens fill chunks of `chunkLength` (75 for CLIP's 77-token
// window), each then framed as [BOS, tokens, EOS, padding]; BREAK starts a new chunk; when a chunk
// fills up within `commaBacktrack` tokens of a comma, the words after the comma move to the next
// chunk (A1111's "prompt word wrap length limit", 20 by default).

/** The tokens of one weighted piece of a prompt (see parsePromptAttention). */
export interface TokenPiece {
  ids: number[];
  weight: number;
  /** A1111's BREAK marker: ends the current chunk. */
  isBreak?: boolean;
}

export interface ChunkTokens {
  bos: number;
  eos: number;
  /** Fills the window after EOS (CLIP pads with EOS; SD 2.x's tokenizer with "!"). */
  pad: number;
  /** The comma token (',</w>' in CLIP's vocabulary), when the vocabulary has one. */
  comma?: number;
  /** Prompt tokens per chunk: the text encoder's window less BOS and EOS. */
  chunkLength: number;
  /** 0 turns the comma rule off. */
  commaBacktrack: number;
}

export interface PromptChunk {
  /** chunkLength + 2 ids. */
  ids: number[];
  /** One weight per id; BOS, EOS and padding get 1. */
  multipliers: number[];
  /** How many of the ids are the prompt's (after BOS). */
  tokens: number;
}

export interface ChunkedPrompt {
  chunks: PromptChunk[];
  /** A1111's token count: chunkLength for each full chunk, the tokens of the last. */
  tokenCount: number;
}

export const A1111_COMMA_BACKTRACK = 20;

export function chunkPrompt(pieces: readonly TokenPiece[], t: ChunkTokens): ChunkedPrompt {
  const chunks: PromptChunk[] = [];
  let tokens: number[] = [];
  let weights: number[] = [];
  let tokenCount = 0;
  let lastComma = -1;

  const close = (isLast: boolean) => {
    tokenCount += isLast ? tokens.length : t.chunkLength;
    const padding = t.chunkLength - tokens.length;
    chunks.push({
      ids: [t.bos, ...tokens, t.eos, ...new Array<number>(padding).fill(t.pad)],
      multipliers: [1, ...weights, ...new Array<number>(padding + 1).fill(1)],
      tokens: tokens.length,
    });
    tokens = [];
    weights = [];
    lastComma = -1;
  };

  for (const piece of pieces) {
    if (piece.isBreak) {
      close(false);
      continue;
    }
    for (const id of piece.ids) {
      if (id === t.comma) {
        lastComma = tokens.length;
      } else if (tokens.length === t.chunkLength && lastComma !== -1 && tokens.length - lastComma <= t.commaBacktrack) {
        const moved = { tokens: tokens.slice(lastComma + 1), weights: weights.slice(lastComma + 1) };
        tokens = tokens.slice(0, lastComma + 1);
        weights = weights.slice(0, lastComma + 1);
        close(false);
        ({ tokens, weights } = moved);
      }
      if (tokens.length === t.chunkLength) close(false);
      tokens.push(id);
      weights.push(piece.weight);
    }
  }
  if (tokens.length > 0 || chunks.length === 0) close(true);
  return { chunks, tokenCount };
}

/** A1111's counter denominator: the token capacity of the chunks a count needs ("80/150"). */
export function tokenWindow(tokenCount: number, chunkLength: number): number {
  return Math.ceil(Math.max(tokenCount, 1) / chunkLength) * chunkLength;
}
