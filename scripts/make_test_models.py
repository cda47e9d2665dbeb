#!/usr/bin/python3
"""Writes the tiny random-weight test models under test/fixtures/models/, one folder per ONNX
export variant the engine must read (diffusers/Optimum layout, real input/output names).

    /usr/bin/python3 scripts/make_test_models.py

Fixed seeds, so re-running gives the same weights. Test data only: the networks are random.
Folders:
  tiny-sd          Optimum style: int64 input_ids, float scalar timestep, fp32, vocab.json+merges.txt,
                   a dynamic sequence axis on encoder_hidden_states (long prompts: several 77-token windows),
                   plus a taesd_decoder/ for previews
  tiny-sd-legacy   older diffusers script: int32 input_ids, float timestep [batch], unet weights in weights.pb
  tiny-sd-int64t   old Hub exports: int64 timestep [1]; tokenizer.json only
  tiny-sd-fp16     fp16 inputs/outputs everywhere, unet weights in model.onnx_data
  tiny-sd-static   fixed shapes: text encoder batch 1, unet batch 2 (float timestep [2]), vae batch 1, 64x64
  tiny-ddpm        pixel-space unconditional UNet2DModel (sample, timestep -> out_sample)
  broken/nan-unet  a unet that outputs NaN once t < 500 (error tests swap it into a copy of tiny-sd)
"""
import json
import warnings
import os
import shutil

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'models')
SEQ = 77
HIDDEN = 32
OPSET = 14

# ---------------------------------------------------------------- tokenizer (CLIP BPE format)

WORDS = ('a an the of on in at with and photo painting picture small large big red green blue yellow '
         'white black purple orange pink cat dog horse astronaut riding circle square triangle star '
         'top bottom left right center background').split()
# Byte-level alphabet limited to lowercase letters, digits and a little punctuation, so that other
# characters (e.g. accented letters) map to the unknown token and tests can see unknown words.
ALPHABET = list('abcdefghijklmnopqrstuvwxyz0123456789.,!?\'-')
BOS, EOS = '<|startoftext|>', '<|endoftext|>'


def bpe(word, ranks):
    parts = list(word[:-1]) + [word[-1] + '</w>']
    while len(parts) > 1:
        pairs = [(ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
        rank, i = min(pairs)
        if rank == 1 << 30:
            break
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
    return parts


def make_tokenizer():
    vocab = ALPHABET + [c + '</w>' for c in ALPHABET]
    merges, ranks = [], {}
    for w in WORDS:
        parts = bpe(w, ranks)
        while len(parts) > 1:  # add merges until the whole word is one token
            pair = (parts[0], parts[1])
            ranks[pair] = len(merges)
            merges.append(pair)
            vocab.append(pair[0] + pair[1])
            parts = [pair[0] + pair[1]] + parts[2:]
    vocab += [BOS, EOS]
    return {tok: i for i, tok in enumerate(dict.fromkeys(vocab))}, merges


def tokenizer_json(vocab, merges):
    """The tokenizer.json that transformers writes for CLIPTokenizerFast, over this vocabulary."""
    def special(tok):
        return {'id': vocab[tok], 'content': tok, 'single_word': False, 'lstrip': False,
                'rstrip': False, 'normalized': True, 'special': True}

    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special(BOS), special(EOS)],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'}, {'type': 'Replace', 'pattern': {'Regex': '\\s+'}, 'content': ' '}, {'type': 'Lowercase'}]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': "<\\|startoftext\\|>|<\\|endoftext\\|>|"
                                                   "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             'behavior': 'Removed', 'invert': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': False}]},
        'post_processor': {'type': 'RobertaProcessing', 'sep': [EOS, vocab[EOS]], 'cls': [BOS, vocab[BOS]],
                           'trim_offsets': False, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': EOS, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '</w>', 'fuse_unk': False, 'byte_fallback': False,
                  'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }


def write_tokenizer(folder, vocab, merges, as_json, pad=EOS):
    """pad: SDXL's second tokenizer pads with '!' instead of EOS."""
    os.makedirs(folder, exist_ok=True)
    config = {'tokenizer_class': 'CLIPTokenizer', 'model_max_length': SEQ, 'do_lower_case': True,
              'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': pad}
    write_json(os.path.join(folder, 'tokenizer_config.json'), config)
    write_json(os.path.join(folder, 'special_tokens_map.json'),
               {k: config[k] for k in ('bos_token', 'eos_token', 'unk_token', 'pad_token')})
    if as_json:
        write_json(os.path.join(folder, 'tokenizer.json'), tokenizer_json(vocab, merges))
    else:
        write_json(os.path.join(folder, 'vocab.json'), vocab)
        with open(os.path.join(folder, 'merges.txt'), 'w') as f:
            f.write('#version: 0.2\n' + ''.join(f'{a} {b}\n' for a, b in merges))


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write('\n')

# ---------------------------------------------------------------- networks


def small_init(module, seed):
    torch.manual_seed(seed)
    for p in module.parameters():
        nn.init.normal_(p, std=0.2 if p.dim() > 1 else 0.02)
    return module.eval()


class TextEncoder(nn.Module):
    """Token + position embedding, one MLP block, layer norm: [b, 77] ids -> [b, 77, 32]."""

    def __init__(self, vocab_size, half):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, HIDDEN)
        self.pos = nn.Parameter(torch.zeros(SEQ, HIDDEN))
        self.fc1, self.fc2 = nn.Linear(HIDDEN, 64), nn.Linear(64, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.half_io = half

    def forward(self, input_ids):
        h = self.tok(input_ids.long()) + self.pos
        h = self.norm(h + self.fc2(F.gelu(self.fc1(h))))
        pooled = h[:, 0]
        return (h.half(), pooled.half()) if self.half_io else (h, pooled)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-torch.arange(half, dtype=torch.float32) * (9.21 / half))  # ln(10000) = 9.21
    args = t.float().reshape(-1, 1) * freqs
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class UNet(nn.Module):
    """conv in, time embedding, cross-attention to the text, conv out. timestep_kind picks the
    export variant: 'scalar' float rank 0, 'batch' float [batch], 'int64' int64 [1]."""

    def __init__(self, channels, context, half=False, nan_below=None):
        super().__init__()
        self.conv_in = nn.Conv2d(channels, 16, 3, padding=1)
        self.temb = nn.Linear(16, 16)
        self.context = context
        if context:
            self.q, self.k, self.v = nn.Linear(16, 16), nn.Linear(HIDDEN, 16), nn.Linear(HIDDEN, 16)
            self.proj = nn.Linear(16, 16)
        self.mid = nn.Conv2d(16, 16, 3, padding=1)
        self.conv_out = nn.Conv2d(16, channels, 3, padding=1)
        self.half_io = half
        self.nan_below = nan_below

    def forward(self, sample, timestep, encoder_hidden_states=None):
        x = sample.float()
        b = x.shape[0]
        single = timestep.dim() == 0 or timestep.shape[0] == 1
        t = timestep.float().reshape(-1)[:1].expand(b) if single else timestep.float()
        h = F.silu(self.conv_in(x) + self.temb(timestep_embedding(t, 16))[:, :, None, None])
        if self.context:
            ctx = encoder_hidden_states.float()
            seq = h.flatten(2).transpose(1, 2)  # [b, hw, 16]
            att = torch.softmax(self.q(seq) @ self.k(ctx).transpose(1, 2) / 4.0, dim=-1)
            seq = seq + self.proj(att @ self.v(ctx))
            h = seq.transpose(1, 2).reshape(h.shape)
        # tanh keeps the random network's noise estimate near unit scale, as a trained one is.
        out = torch.tanh(self.conv_out(F.silu(self.mid(h))))
        if self.nan_below is not None:
            out = out + torch.sqrt(t - self.nan_below)[:, None, None, None] * 0
        return out.half() if self.half_io else out


class VaeDecoder(nn.Module):
    """latents [b, 4, h, w] -> image [b, 3, 8h, 8w] through three nearest-neighbour upsamplings."""

    def __init__(self, half=False, out_range='signed'):
        super().__init__()
        self.conv_in = nn.Conv2d(4, 16, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(16, 16, 3, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(16, 3, 3, padding=1)
        self.half_io = half
        self.out_range = out_range

    def forward(self, latent_sample):
        # Scaled back to unit size (the pipeline divides by scaling_factor) so the image is not saturated.
        h = F.silu(self.conv_in(latent_sample.float() * 0.18215))
        for conv in self.ups:
            h = F.silu(conv(F.interpolate(h, scale_factor=2.0, mode='nearest')))
        out = torch.tanh(self.conv_out(h))
        if self.out_range == 'unit':  # TAESD decodes to [0, 1]
            out = out * 0.5 + 0.5
        return out.half() if self.half_io else out


def export(module, args, path, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)

# ---------------------------------------------------------------- external data (no onnx package here)


def varint(buf, i):
    shift = value = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def enc_varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def fields(buf):
    """(field number, wire type, raw bytes of the whole field, payload) for each protobuf field."""
    i = 0
    while i < len(buf):
        start = i
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            _, i = varint(buf, i)
            payload = None
        elif wt == 1:
            i += 8
            payload = None
        elif wt == 5:
            i += 4
            payload = None
        elif wt == 2:
            n, i = varint(buf, i)
            payload = buf[i:i + n]
            i += n
        else:
            raise ValueError(f'unsupported wire type {wt}')
        yield num, wt, buf[start:i], payload


def len_field(num, payload):
    return enc_varint(num << 3 | 2) + enc_varint(len(payload)) + payload


def move_weights_out(model_path, data_name):
    """Rewrites model.onnx so initializers over 256 bytes live in `data_name` beside it, the way
    Optimum (model.onnx_data) and the older diffusers script (weights.pb) store large UNets."""
    buf = open(model_path, 'rb').read()
    data = bytearray()

    def tensor(t):
        raw = next((p for n, wt, _, p in fields(t) if n == 9 and wt == 2), None)
        if raw is None or len(raw) <= 256:
            return t
        kept = b''.join(whole for n, _, whole, _ in fields(t) if n != 9)
        offset = len(data)
        data.extend(raw)

        def entry(k, v):
            return len_field(13, len_field(1, k.encode()) + len_field(2, v.encode()))

        return (kept + entry('location', data_name) + entry('offset', str(offset)) +
                entry('length', str(len(raw))) + enc_varint(14 << 3) + enc_varint(1))

    def graph(g):
        return b''.join(len_field(5, tensor(p)) if n == 5 and wt == 2 else whole for n, wt, whole, p in fields(g))

    model = b''.join(len_field(7, graph(p)) if n == 7 and wt == 2 else whole for n, wt, whole, p in fields(buf))
    with open(model_path, 'wb') as f:
        f.write(model)
    with open(os.path.join(os.path.dirname(model_path), data_name), 'wb') as f:
        f.write(data)

def shorten_names(model_path):
    """Rewrites model.onnx with its internal tensors renamed t0, t1, …, node names and intermediate shape hints
    (value_info) dropped, all optional to onnxruntime; graph inputs and outputs keep their names. torch.onnx
    names every value after its module path, which is over half of a tiny model's file."""
    buf = open(model_path, 'rb').read()
    graph = next(p for n, wt, _, p in fields(buf) if n == 7 and wt == 2)
    def value_name(info):
        return next(p for n, wt, _, p in fields(info) if n == 1)

    keep = {value_name(p) for n, wt, _, p in fields(graph) if n in (11, 12) and wt == 2}
    short = {}

    def rename(name):
        return name if name in keep or not name else short.setdefault(name, b't%d' % len(short))

    def node(nd):
        if any(n == 4 and p in (b'If', b'Loop', b'Scan') for n, wt, _, p in fields(nd)):
            raise ValueError('subgraphs would need their names rewritten too')
        return b''.join(len_field(n, rename(p)) if n in (1, 2) and wt == 2 else b'' if n == 3 else whole
                        for n, wt, whole, p in fields(nd))

    def initializer(t):
        return b''.join(len_field(8, rename(p)) if n == 8 and wt == 2 else whole for n, wt, whole, p in fields(t))

    rewrite = {1: node, 5: initializer}
    graph = b''.join(len_field(n, rewrite[n](p)) if n in rewrite and wt == 2 else b'' if n == 13 else whole
                     for n, wt, whole, p in fields(graph))
    with open(model_path, 'wb') as f:
        f.write(b''.join(len_field(7, graph) if n == 7 and wt == 2 else whole for n, wt, whole, p in fields(buf)))

# ---------------------------------------------------------------- folders


SCHEDULER = {'_class_name': 'DDIMScheduler', '_diffusers_version': '0.27.0', 'beta_start': 0.00085,
             'beta_end': 0.012, 'beta_schedule': 'scaled_linear', 'num_train_timesteps': 1000,
             'clip_sample': False, 'set_alpha_to_one': False, 'steps_offset': 1, 'prediction_type': 'epsilon',
             'timestep_spacing': 'leading'}


def sd_folder(name, vocab, merges, ids_dtype=torch.int64, timestep='scalar', half=False,
              tokenizer_as_json=False, external=None, taesd=False, static=False, seed=0):
    """static: fixed shapes everywhere (text encoder batch 1, UNet batch 2, VAE batch 1, 64x64), as
    exports for DirectML and other static-shape runtimes have."""
    axes = (lambda d: {}) if static else (lambda d: d)
    folder = os.path.join(ROOT, name)
    shutil.rmtree(folder, ignore_errors=True)
    write_tokenizer(os.path.join(folder, 'tokenizer'), vocab, merges, tokenizer_as_json)
    fdt = torch.float16 if half else torch.float32

    te = small_init(TextEncoder(len(vocab), half), seed)
    ids = torch.zeros(1, SEQ, dtype=ids_dtype)
    export(te, (ids,), os.path.join(folder, 'text_encoder', 'model.onnx'), ['input_ids'],
           ['last_hidden_state', 'pooler_output'], axes({'input_ids': {0: 'batch'}, 'last_hidden_state': {0: 'batch'},
                                                          'pooler_output': {0: 'batch'}}))

    unet = small_init(UNet(4, True, half), seed + 1)
    sample = torch.zeros(2, 4, 8, 8, dtype=fdt)
    t = {'scalar': torch.tensor(999.0, dtype=fdt), 'batch': torch.full((2,), 999.0, dtype=fdt),
         'int64': torch.tensor([999], dtype=torch.int64)}[timestep]
    ehs = torch.zeros(2, SEQ, HIDDEN, dtype=fdt)
    dyn = {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'encoder_hidden_states': {0: 'batch', 1: 'sequence'},
           'out_sample': {0: 'batch', 2: 'height', 3: 'width'}}
    if timestep == 'batch':
        dyn['timestep'] = {0: 'batch'}
    unet_path = os.path.join(folder, 'unet', 'model.onnx')
    export(unet, (sample, t, ehs), unet_path, ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'],
           axes(dyn))
    if external:
        move_weights_out(unet_path, external)
    write_json(os.path.join(folder, 'unet', 'config.json'),
               {'_class_name': 'UNet2DConditionModel', 'sample_size': 8, 'in_channels': 4, 'out_channels': 4,
                'cross_attention_dim': HIDDEN})

    vae = small_init(VaeDecoder(half), seed + 2)
    export(vae, (torch.zeros(1, 4, 8, 8, dtype=fdt),), os.path.join(folder, 'vae_decoder', 'model.onnx'),
           ['latent_sample'], ['sample'], axes({'latent_sample': {0: 'batch', 2: 'height', 3: 'width'},
                                                 'sample': {0: 'batch', 2: 'height', 3: 'width'}}))
    write_json(os.path.join(folder, 'vae_decoder', 'config.json'),
               {'_class_name': 'AutoencoderKL', 'latent_channels': 4, 'scaling_factor': 0.18215,
                'block_out_channels': [16, 16, 16, 16], 'sample_size': 64})
    if taesd:
        tae = small_init(VaeDecoder(out_range='unit'), seed + 3)
        export(tae, (torch.zeros(1, 4, 8, 8),), os.path.join(folder, 'taesd_decoder', 'model.onnx'),
               ['latent_sample'], ['sample'], {'latent_sample': {0: 'batch', 2: 'height', 3: 'width'},
                                               'sample': {0: 'batch', 2: 'height', 3: 'width'}})

    write_json(os.path.join(folder, 'scheduler', 'scheduler_config.json'), SCHEDULER)
    write_json(os.path.join(folder, 'model_index.json'), {
        '_class_name': 'ORTStableDiffusionPipeline', '_diffusers_version': '0.27.0',
        'scheduler': ['diffusers', 'DDIMScheduler'], 'text_encoder': ['onnxruntime', 'ORTModel'],
        'tokenizer': ['transformers', 'CLIPTokenizer'], 'unet': ['onnxruntime', 'ORTModel'],
        'vae_decoder': ['onnxruntime', 'ORTModel'], 'safety_checker': [None, None],
        'feature_extractor': [None, None], 'requires_safety_checker': False})


def ddpm_folder(name, seed=10):
    folder = os.path.join(ROOT, name)
    shutil.rmtree(folder, ignore_errors=True)
    unet = small_init(UNet(3, False), seed)
    export(unet, (torch.zeros(1, 3, 16, 16), torch.tensor(999.0)), os.path.join(folder, 'unet', 'model.onnx'),
           ['sample', 'timestep'], ['out_sample'], {'sample': {0: 'batch'}, 'out_sample': {0: 'batch'}})
    write_json(os.path.join(folder, 'unet', 'config.json'),
               {'_class_name': 'UNet2DModel', 'sample_size': 16, 'in_channels': 3, 'out_channels': 3})
    write_json(os.path.join(folder, 'scheduler', 'scheduler_config.json'),
               {**SCHEDULER, 'beta_schedule': 'linear', 'beta_start': 0.0001, 'beta_end': 0.02,
                'clip_sample': True, 'set_alpha_to_one': True, 'steps_offset': 0})
    write_json(os.path.join(folder, 'model_index.json'),
               {'_class_name': 'DDPMPipeline', '_diffusers_version': '0.27.0',
                'scheduler': ['diffusers', 'DDIMScheduler'], 'unet': ['diffusers', 'UNet2DModel']})


def nan_unet(name):
    unet = small_init(UNet(4, True, nan_below=500.0), 1)
    export(unet, (torch.zeros(2, 4, 8, 8), torch.tensor(999.0), torch.zeros(2, SEQ, HIDDEN)),
           os.path.join(ROOT, name, 'unet', 'model.onnx'), ['sample', 'timestep', 'encoder_hidden_states'],
           ['out_sample'], {'sample': {0: 'batch', 2: 'height', 3: 'width'},
                            'encoder_hidden_states': {0: 'batch', 1: 'sequence'},
                            'out_sample': {0: 'batch', 2: 'height', 3: 'width'}})


def main():
    warnings.filterwarnings('ignore')  # torch.onnx tracer and shape-inference chatter
    vocab, merges = make_tokenizer()
    sd_folder('tiny-sd', vocab, merges, taesd=True)
    sd_folder('tiny-sd-legacy', vocab, merges, ids_dtype=torch.int32, timestep='batch', external='weights.pb')
    sd_folder('tiny-sd-int64t', vocab, merges, timestep='int64', tokenizer_as_json=True)
    sd_folder('tiny-sd-fp16', vocab, merges, half=True, external='model.onnx_data')
    sd_folder('tiny-sd-static', vocab, merges, timestep='batch', static=True)
    ddpm_folder('tiny-ddpm')
    shutil.rmtree(os.path.join(ROOT, 'broken'), ignore_errors=True)
    nan_unet(os.path.join('broken', 'nan-unet'))
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            size = os.path.getsize(os.path.join(dirpath, f))
            assert size < 1 << 20, f'{f} is {size} bytes'


if __name__ == '__main__':
    main()
