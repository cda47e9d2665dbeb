// CLIP-style prompt tokenization from a model's tokenizer/ folder through @huggingface/tokenizers.
// Folders carry tokenizer.json, or only vocab.json + merges.txt (the slow CLIPTokenizer files), for
// which the equivalent CLIPTokenizerFast tokenizer.json is built here.
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineFailure } from './engineFailure';
import { readJson } from '../modelFolder/modelFolder';

export interface TokenizedPrompt {
  /** Exactly `length` ids: BOS, prompt tokens, EOS, padding. */
  ids: number[];
  /** Words (as the user typed them) that became the unknown token. */
  unknownWords: string[];
  /** Tokens dropped because the prompt was longer than the model takes. */
  truncatedTokens: number;
}

export class PromptTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
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
      throw new EngineFailure('MODEL_INVALID', `cannot build the tokenizer from ${folder}: ${(err as Error).message}`, { file: folder });
    }
    const tokenOf = (key: string) => tokenName(config[key] ?? special[key]);
    const idOf = (name: string | undefined) => (name === undefined ? undefined : tokenizer.token_to_id(name));
    const eosId = idOf(tokenOf('eos_token'));
    const padId = idOf(tokenOf('pad_token')) ?? eosId;
    if (padId === undefined) {
      throw new EngineFailure('MODEL_INVALID', `${join(folder, 'tokenizer_config.json')} names no pad or eos token found in the vocabulary`, { file: folder });
    }
    const configured = Number(config.model_max_length);
    // tokenizer_config often says 1e30 ("no limit"); the text encoder's input shape is the truth.
    const length = lengthFromModel ?? (configured > 0 && configured < 100000 ? configured : 77);
    return new PromptTokenizer(tokenizer, padId, idOf(tokenOf('unk_token')), length);
  }

  encode(prompt: string): TokenizedPrompt {
    const { ids } = this.tokenizer.encode(prompt);
    const unknownWords = this.unkId === undefined ? [] : this.unknownWords(prompt);
    const truncatedTokens = Math.max(0, ids.length - this.length);
    // Keep BOS and as many tokens as fit, then EOS (what CLIPTokenizer's truncation does).
    const kept = truncatedTokens > 0 ? [...ids.slice(0, this.length - 1), ids[ids.length - 1]] : ids;
    return { ids: [...kept, ...new Array<number>(this.length - kept.length).fill(this.padId)], unknownWords, truncatedTokens };
  }

  /** Words whose own encoding contains the unknown token (CLIP's unk is also its EOS, so each word
   * is encoded alone, without special tokens). */
  private unknownWords(prompt: string): string[] {
    const words = prompt.split(/[\s,.;:!?()[\]{}"]+/).filter(Boolean);
    return [...new Set(words.filter((w) => this.tokenizer.encode(w, { add_special_tokens: false }).ids.includes(this.unkId!)))];
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
    if (!existsSync(p)) throw new EngineFailure('MODEL_INVALID', `missing ${p} (a tokenizer folder needs tokenizer.json, or vocab.json and merges.txt)`, { file: p });
  }
  const vocab = readJson(vocabPath, true) as Record<string, number>;
  const merges = readFileSync(mergesPath, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#version'));
  const bos = tokenName(config.bos_token) ?? '<|startoftext|>';
  const eos = tokenName(config.eos_token) ?? '<|endoftext|>';
  const unk = tokenName(config.unk_token) ?? eos;
  const special = (content: string) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    added_tokens: [bos, eos].filter((t) => t in vocab).map(special),
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [eos, vocab[eos]], cls: [bos, vocab[bos]], trim_offsets: false, add_prefix_space: false },
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
