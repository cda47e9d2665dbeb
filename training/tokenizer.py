"""Word-level tokenizer over the caption vocabulary, written as a Hugging Face tokenizer.json.

tokenizers.js has no WordLevel model, so the file uses WordPiece with whole words only: a word not in
the vocabulary has no pieces and becomes [UNK], exactly like WordLevel. Like CLIP it wraps the text in
start/end tokens and pads with the end token to a fixed length.
"""
import json
import os
import re

from scenes import COLOURS, POSITIONS, SHAPES, SIZES

MAX_LENGTH = 16
BOS, EOS, UNK = '<|startoftext|>', '<|endoftext|>', '[UNK]'
SPECIALS = [BOS, EOS, UNK]


def _words():
    words = ['a', 'at', 'the', 'in', 'on', 'background']
    words += list(SIZES) + list(COLOURS) + list(SHAPES)
    for pos in POSITIONS:
        words += pos.split()
    return sorted(set(words))


VOCAB = {tok: i for i, tok in enumerate(SPECIALS + _words())}
BOS_ID, EOS_ID, UNK_ID = VOCAB[BOS], VOCAB[EOS], VOCAB[UNK]


# Spellings the captions do not use, read as the words they do (a regex over the lowercased text).
SPELLINGS = {r'\ban\b': 'a', r'\bcentre\b': 'center'}


def split_words(text):
    """What the tokenizer.json normalizer and pre-tokenizer do: lowercase, punctuation to spaces,
    other spellings to the captions' own, split on whitespace."""
    text = re.sub(r'[^\w\s]', ' ', text.lower())
    for pattern, word in SPELLINGS.items():
        text = re.sub(pattern, word, text)
    return text.split()


def encode(text):
    """Token ids padded/truncated to MAX_LENGTH, the way the engine feeds the text encoder."""
    ids = [BOS_ID] + [VOCAB.get(w, UNK_ID) for w in split_words(text)][: MAX_LENGTH - 2] + [EOS_ID]
    return ids + [EOS_ID] * (MAX_LENGTH - len(ids))


def _special(tok):
    return {'id': VOCAB[tok], 'content': tok, 'single_word': False, 'lstrip': False, 'rstrip': False,
            'normalized': False, 'special': True}


def write(folder):
    os.makedirs(folder, exist_ok=True)
    tokenizer = {
        'version': '1.0',
        'truncation': {'direction': 'Right', 'max_length': MAX_LENGTH, 'strategy': 'LongestFirst', 'stride': 0},
        'padding': {'strategy': {'Fixed': MAX_LENGTH}, 'direction': 'Right', 'pad_to_multiple_of': None,
                    'pad_id': EOS_ID, 'pad_type_id': 0, 'pad_token': EOS},
        'added_tokens': [_special(t) for t in SPECIALS],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'Lowercase'},
            {'type': 'Replace', 'pattern': {'Regex': r'[^\w\s]'}, 'content': ' '},
        ] + [{'type': 'Replace', 'pattern': {'Regex': p}, 'content': w} for p, w in SPELLINGS.items()]},
        'pre_tokenizer': {'type': 'WhitespaceSplit'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': BOS, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': EOS, 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': BOS, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': EOS, 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': EOS, 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [VOCAB[t]], 'tokens': [t]} for t in (BOS, EOS)},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': UNK, 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': VOCAB},
    }
    config = {
        'tokenizer_class': 'PreTrainedTokenizerFast',
        'model_max_length': MAX_LENGTH,
        'bos_token': BOS, 'eos_token': EOS, 'unk_token': UNK, 'pad_token': EOS,
        'do_lower_case': True,
        'clean_up_tokenization_spaces': True,
    }
    special = {'bos_token': BOS, 'eos_token': EOS, 'unk_token': UNK, 'pad_token': EOS}
    for name, obj in (('tokenizer.json', tokenizer), ('tokenizer_config.json', config),
                      ('special_tokens_map.json', special)):
        with open(os.path.join(folder, name), 'w') as f:
            json.dump(obj, f, indent=1)
            f.write('\n')
