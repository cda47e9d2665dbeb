// CLIP-style prompt tokenization from a model's tokenizer/ folder through @huggingface/tokenizers.
// Folders carry tokenizer.json, or only vocab.json + merges.txt (the slow CLIPTokenizer files), for
// which the equivalent CLIPTokenizerFast tokenizer.json is built here. Used by the engine and by the
// host (the prompt box's token count), so it loads no model and imports nothing of the engine.
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFolderError, readJson } from '../modelFolder/modelFolder';
import { isBreak, parsePromptAttention } from '../core/prompt/promptAttention';
import { A1111_COMMA_BACKTRACK, chunkPrompt, type ChunkedPrompt } from '../core/prompt/promptChunks';

/** A word of the prompt the vocabulary cannot represent, with its UTF-16 offsets in the prompt. */
export interface UnknownWord {
  word: string;
  start: number;
  end: number;
}

export interface WeightedPrompt extends ChunkedPrompt {
  /** Each distinct unknown word once, in order of appearance. */
  unknownWords: string[];
}

// What splits a prompt into words for the unknown-word check: spaces, punctuation, the attention
// syntax's brackets and backslash.
const WORD = /[^\s,.;:!?()[\]{}"\\]+/gu;
// The weight of `(word:1.3)` is syntax: its digits are no words of the prompt.
const WEIGHT = /:\s*[+-]?[.\d]+\s*\)/gu;

export class PromptTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly bosId: number,
    private readonly eosId: number,
    private readonly padId: number,
    private readonly unkId: number | undefined,
    /** The model's sequence length (77 for CLIP). */
    readonly length: number,
  ) {}

  static load(folder: string, lengthFromModel?: number): PromptTokenizer {
    const config = readJson(join(folder, 'tokenizer_config.json'), false) ?? {};
    const special = readJson(join(folder, 'special_tokens_map.json'), false) ?? {};
    const json = existsSync(join(folder, 'tokenizer.json'))
      ? readJson(join(folder, 'tokenizer.json'), true)!
      : clipTokenizerJson(folder, { ...special, ...config });
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (err) {
      throw new ModelFolderError(`cannot build the tokenizer from ${folder}: ${(err as Error).message}`, folder);
    }
    const tokenOf = (key: string) => tokenName(config[key] ?? special[key]);
    const idOf = (name: string | undefined) => (name === undefined ? undefined : tokenizer.token_to_id(name));
    const bosId = idOf(tokenOf('bos_token'));
    const eosId = idOf(tokenOf('eos_token'));
    const padId = idOf(tokenOf('pad_token')) ?? eosId;
    if (bosId === undefined || eosId === undefined || padId === undefined) {
      const file = join(folder, 'tokenizer_config.json');
      throw new ModelFolderError(`${file} names no bos, eos or pad token found in the vocabulary`, folder);
    }
    const configured = Number(config.model_max_length);
    // tokenizer_config often says 1e30 ("no limit"); the text encoder's input shape is the truth.
    const length = lengthFromModel ?? (configured > 0 && configured < 100000 ? configured : 77);
    return new PromptTokenizer(tokenizer, bosId, eosId, padId, idOf(tokenOf('unk_token')), length);
  }

  /** Prompt tokens per chunk: the window less BOS and EOS (75 for CLIP). */
  get chunkLength(): number {
    return this.length - 2;
  }

  /** The prompt as A1111 encodes it: attention syntax parsed, each piece tokenized alone, the
   * tokens in windows of chunkLength framed by BOS and EOS. */
  encode(prompt: string): WeightedPrompt {
    const pieces = parsePromptAttention(prompt).map((p) => ({
      ids: isBreak(p) ? [] : this.pieceIds(p.text),
      weight: p.weight,
      isBreak: isBreak(p),
    }));
    const comma = this.tokenizer.token_to_id(',</w>');
    const chunked = chunkPrompt(pieces, {
      bos: this.bosId,
      eos: this.eosId,
      pad: this.padId,
      comma,
      chunkLength: this.chunkLength,
      commaBacktrack: A1111_COMMA_BACKTRACK,
    });
    return { ...chunked, unknownWords: [...new Set(this.unknownWordsAt(prompt).map((u) => u.word))] };
  }

  /** Tokens of a stretch of text alone, without BOS and EOS. */
  private pieceIds(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Each occurrence of a word whose own encoding contains the unknown token (CLIP's unk is also
   * its EOS, so each word is encoded alone, without special tokens). A1111's BREAK and attention
   * weights are no words. */
  unknownWordsAt(prompt: string): UnknownWord[] {
    if (this.unkId === undefined) return [];
    const weights = [...prompt.matchAll(WEIGHT)].map((m) => [m.index, m.index + m[0].length]);
    const known = new Map<string, boolean>();
    const out: UnknownWord[] = [];
    for (const m of prompt.matchAll(WORD)) {
      const word = m[0];
      if (word === 'BREAK' || weights.some(([start, end]) => m.index >= start && m.index < end)) continue;
      if (!known.has(word)) known.set(word, !this.pieceIds(word).includes(this.unkId));
      if (!known.get(word)) out.push({ word, start: m.index, end: m.index + word.length });
    }
    return out;
  }
}

function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** The tokenizer.json transformers writes for CLIPTokenizerFast, over a slow tokenizer's files. */
function clipTokenizerJson(folder: string, config: Record<string, unknown>): Record<string, unknown> {
  const vocabPath = join(folder, 'vocab.json');
  const mergesPath = join(folder, 'merges.txt');
  for (const p of [vocabPath, mergesPath]) {
    if (!existsSync(p))
      throw new ModelFolderError(
        `missing ${p} (a tokenizer folder needs tokenizer.json, or vocab.json and merges.txt)`,
        p,
      );
  }
  const vocab = readJson(vocabPath, true) as Record<string, number>;
  const merges = readFileSync(mergesPath, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#version'));
  const bos = tokenName(config.bos_token) ?? '<|startoftext|>';
  const eos = tokenName(config.eos_token) ?? '<|endoftext|>';
  const unk = tokenName(config.unk_token) ?? eos;
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  return {
    added_tokens: [bos, eos].filter((t) => t in vocab).map(special),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [eos, vocab[eos]],
      cls: [bos, vocab[bos]],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}
