#!/usr/bin/python3
"""Writes one tiny random-weight model folder per model family under test/fixtures/models/, in the layout and
with the exact ONNX input/output names, dtypes and dynamic axes of Optimum's Stable Diffusion exports, plus
`<folder>.reference.json` beside each: PyTorch's outputs for one fixed input, so a test can check ONNX == PyTorch.

    /usr/bin/python3 scripts/make_family_models.py DIFFUSERS_SRC

DIFFUSERS_SRC is the src/ folder of diffusers v0.35.2 (github:huggingface/diffusers); the UNet and the VAE are
its UNet2DConditionModel and AutoencoderKL built from tiny configs. transformers is not on Debian's python3, so
the text encoders are the CLIP text transformer's structure written out here (embeddings, pre-norm causal
layers, final norm, pooling at the end token, optional projection). Fixed seeds: reruns give the same weights.

Names and axes follow optimum's exporters/onnx/model_configs.py (CLIPTextOnnxConfig,
CLIPTextWithProjectionOnnxConfig, UNetOnnxConfig, VaeEncoderOnnxConfig, VaeDecoderOnnxConfig) and
exporters/utils.py (_get_submodels_for_export_diffusion: SDXL text encoders export every hidden state), in two
generations: 'new' as github:huggingface/optimum-onnx writes them (optimum >= 1.24: float32 rank-0 `timestep`,
VAE encoder output `latent_parameters`) and 'old' as optimum v1.22.0 did (int64 `timestep` [steps], VAE encoder
output `latent_sample` drawn from the latent distribution inside the graph).
"""
import ast
import json
import os
import shutil
import sys
import warnings
from collections import namedtuple

import torch
import torch.nn as nn

import diffusers_offline
from make_test_models import BOS, EOS, OPSET, ROOT, SEQ, make_tokenizer, shorten_names, write_json, write_tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEDULES = os.path.join(HERE, '..', 'test', 'fixtures', 'schedules')
DIFFUSERS_VERSION = '0.35.2'
LATENT = 8  # latent side: 64x64 pixels

# ---------------------------------------------------------------- text encoders (CLIP text transformer)


class ClipLayer(nn.Module):
    """One pre-norm layer: x + attn(ln1 x) with a causal mask, then x + mlp(ln2 x)."""

    def __init__(self, width, heads, act):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.out = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.act = act

    def forward(self, x):
        b, n, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / (w // self.heads) ** 0.5
        causal = torch.full((n, n), float('-inf')).triu(1)
        x = x + self.out(((scores + causal).softmax(-1) @ v).transpose(1, 2).reshape(b, n, w))
        h = self.fc1(self.ln2(x))
        h = h * torch.sigmoid(1.702 * h) if self.act == 'quick_gelu' else nn.functional.gelu(h)
        return x + self.fc2(h)


class ClipTextEncoder(nn.Module):
    """input_ids -> the outputs Optimum names: CLIPTextModel (last_hidden_state, pooler_output) or, with a
    projection, CLIPTextModelWithProjection (text_embeds, last_hidden_state); plus hidden_states.0..N (the
    embeddings, then each layer's output before the final norm) when `hidden_states`."""

    def __init__(self, config, hidden_states):
        super().__init__()
        width = config['hidden_size']
        self.tok = nn.Embedding(config['vocab_size'], width)
        self.pos = nn.Parameter(torch.randn(SEQ, width) * 0.02)
        self.layers = nn.ModuleList([ClipLayer(width, config['num_attention_heads'], config['hidden_act'])
                                     for _ in range(config['num_hidden_layers'])])
        self.norm = nn.LayerNorm(width)
        projected = config['architectures'] == ['CLIPTextModelWithProjection']
        self.projection = nn.Linear(width, config['projection_dim'], bias=False) if projected else None
        self.hidden_states = hidden_states

    def output_names(self):
        first = ['text_embeds', 'last_hidden_state'] if self.projection else ['last_hidden_state', 'pooler_output']
        return first + ([f'hidden_states.{i}' for i in range(len(self.layers) + 1)] if self.hidden_states else [])

    def forward(self, input_ids):
        h = [self.tok(input_ids) + self.pos]
        for layer in self.layers:
            h.append(layer(h[-1]))
        last = self.norm(h[-1])
        # CLIP pools at the end token, the highest id in its vocabulary (and in ours).
        pooled = last[torch.arange(last.shape[0]), input_ids.argmax(-1)]
        first = [self.projection(pooled), last] if self.projection else [last, pooled]
        return tuple(first + (h if self.hidden_states else []))


def clip_config(vocab, width, projected, act):
    """The config.json transformers writes for a CLIP text model, at tiny size."""
    return {'architectures': ['CLIPTextModelWithProjection' if projected else 'CLIPTextModel'],
            'model_type': 'clip_text_model', 'hidden_size': width, 'intermediate_size': 4 * width,
            'num_hidden_layers': 2, 'num_attention_heads': 2, 'max_position_embeddings': SEQ,
            'projection_dim': width, 'hidden_act': act, 'vocab_size': len(vocab), 'bos_token_id': vocab[BOS],
            'eos_token_id': vocab[EOS], 'pad_token_id': 1, 'torch_dtype': 'float32'}

# ---------------------------------------------------------------- families

# Tiny UNet2DConditionModel configs; what makes each family is kept as the released models have it.
SD1_UNET = dict(sample_size=LATENT, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
                down_block_types=('CrossAttnDownBlock2D', 'DownBlock2D'),
                up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D'), cross_attention_dim=32, attention_head_dim=2,
                norm_num_groups=8)
SD2_UNET = dict(SD1_UNET, use_linear_projection=True, attention_head_dim=(2, 4))
SDXL_TEXT_WIDTHS = (16, 32)  # SDXL: 768 + 1280 = cross_attention_dim 2048; here 16 + 32 = 48
SDXL_TIME_EMBED = 8  # addition_time_embed_dim (SDXL: 256)
SDXL_UNET = dict(SD1_UNET, down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
                 up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'), use_linear_projection=True,
                 attention_head_dim=(2, 4), cross_attention_dim=sum(SDXL_TEXT_WIDTHS),
                 addition_embed_type='text_time', addition_time_embed_dim=SDXL_TIME_EMBED,
                 projection_class_embeddings_input_dim=SDXL_TEXT_WIDTHS[1] + 6 * SDXL_TIME_EMBED)
# The refiner attends to the second encoder only; its time_ids hold 5 values (aesthetic score, no target size).
REFINER_UNET = dict(SDXL_UNET, cross_attention_dim=SDXL_TEXT_WIDTHS[1],
                    projection_class_embeddings_input_dim=SDXL_TEXT_WIDTHS[1] + 5 * SDXL_TIME_EMBED)
VAE = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 8, 8), layers_per_block=1,
           down_block_types=('DownEncoderBlock2D',) * 4, up_block_types=('UpDecoderBlock2D',) * 4,
           norm_num_groups=8, sample_size=8 * LATENT)


def scheduler(name, **changes):
    """A released model's scheduler_config.json from test/fixtures/schedules/, with `changes` on top."""
    with open(os.path.join(SCHEDULES, name, 'scheduler_config.json')) as f:
        return {**json.load(f), **changes}


# Text encoders per layout: (component, width, activation, tokenizer pad token). SD 1.x's and SDXL's first are
# OpenAI CLIP ViT-L (quick GELU), SD 2.x's OpenCLIP ViT-H (GELU), SDXL's second OpenCLIP ViT-bigG (GELU, with the
# projection giving text_embeds; its tokenizer pads with "!").
SDXL_TEXT_2 = ('text_encoder_2', SDXL_TEXT_WIDTHS[1], 'gelu', '!')
TEXT = {'sd1': [('text_encoder', SD1_UNET['cross_attention_dim'], 'quick_gelu', EOS)],
        'sd2': [('text_encoder', SD1_UNET['cross_attention_dim'], 'gelu', EOS)],
        'sdxl': [('text_encoder', SDXL_TEXT_WIDTHS[0], 'quick_gelu', EOS), SDXL_TEXT_2],
        'sdxl-refiner': [SDXL_TEXT_2]}

Family = namedtuple('Family', 'pipeline layout unet scaling_factor scheduler generation')
SD, XL = 0.18215, 0.13025  # VAE scaling factors
LCM_UNET = dict(SD1_UNET, time_cond_proj_dim=256)
# sdxl-turbo: stabilityai/sdxl-turbo ships EulerAncestralDiscreteScheduler with trailing spacing, otherwise
# SDXL's config; SD-Turbo is SD 2.1-base's architecture (epsilon) with trailing EulerDiscrete.
FAMILIES = {
    'tiny-sd15': Family('StableDiffusionPipeline', 'sd1', SD1_UNET, SD, scheduler('sd15'), 'new'),
    'tiny-sd15-o122': Family('StableDiffusionPipeline', 'sd1', SD1_UNET, SD, scheduler('sd15'), 'old'),
    'tiny-sdxl': Family('StableDiffusionXLPipeline', 'sdxl', SDXL_UNET, XL, scheduler('sdxl'), 'new'),
    'tiny-sdxl-o122': Family('StableDiffusionXLPipeline', 'sdxl', SDXL_UNET, XL, scheduler('sdxl'), 'old'),
    'tiny-sdxl-turbo': Family('StableDiffusionXLPipeline', 'sdxl', SDXL_UNET, XL, scheduler(
        'sdxl', _class_name='EulerAncestralDiscreteScheduler', timestep_spacing='trailing'), 'new'),
    'tiny-sd-turbo': Family('StableDiffusionPipeline', 'sd2', SD2_UNET, SD, scheduler('sdturbo'), 'new'),
    'tiny-lcm': Family('LatentConsistencyModelPipeline', 'sd1', LCM_UNET, SD, scheduler('lcm'), 'new'),
    'tiny-lcm-o122': Family('LatentConsistencyModelPipeline', 'sd1', LCM_UNET, SD, scheduler('lcm'), 'old'),
    'tiny-sd2-v': Family('StableDiffusionPipeline', 'sd2', dict(SD2_UNET, upcast_attention=True), SD,
                         scheduler('sd21'), 'new'),
    'tiny-sd-inpaint': Family('StableDiffusionInpaintPipeline', 'sd1', dict(SD1_UNET, in_channels=9), SD,
                              scheduler('sd15'), 'new'),
    'tiny-sdxl-refiner': Family('StableDiffusionXLImg2ImgPipeline', 'sdxl-refiner', REFINER_UNET, XL,
                                scheduler('sdxl'), 'new'),
}

# ---------------------------------------------------------------- export (Optimum's names and dynamic axes)


def export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    shorten_names(path)


class UNetGraph(nn.Module):
    """UNet2DConditionModel with the flat inputs Optimum exports: sample, timestep, encoder_hidden_states, then
    timestep_cond (LCM) and text_embeds, time_ids (SDXL's added_cond_kwargs); output out_sample."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, *extra):
        config = self.unet.config
        cond = extra[0] if config.time_cond_proj_dim is not None else None
        added = dict(zip(('text_embeds', 'time_ids'), extra[-2:])) if config.addition_embed_type else None
        return self.unet(sample, timestep, encoder_hidden_states, timestep_cond=cond,
                         added_cond_kwargs=added).sample


class VaeEncoderGraph(nn.Module):
    """Optimum's encoder: the distribution's parameters (new) or a sample drawn from it (old)."""

    def __init__(self, vae, generation):
        super().__init__()
        self.vae, self.generation = vae, generation

    def forward(self, sample):
        dist = self.vae.encode(sample).latent_dist
        return dist.parameters if self.generation == 'new' else dist.sample()


class VaeDecoderGraph(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample).sample


def unet_io(config, generation):
    """Input names with their dynamic axes, in Optimum's order (UNetOnnxConfig.inputs / ordered_inputs)."""
    io = {'sample': {0: 'batch_size', 2: 'height', 3: 'width'},
          'timestep': {} if generation == 'new' else {0: 'steps'},
          'encoder_hidden_states': {0: 'batch_size', 1: 'sequence_length'}}
    if config.time_cond_proj_dim is not None:
        io['timestep_cond'] = {0: 'batch_size'}
    if config.addition_embed_type == 'text_time':
        io.update(text_embeds={0: 'batch_size'}, time_ids={0: 'batch_size'})
    return io


def vae_encoder_io(generation):
    if generation == 'new':
        return {'sample': {0: 'batch_size', 2: 'sample_height', 3: 'sample_width'}}, \
            {'latent_parameters': {0: 'batch_size', 2: 'sample_height / 8', 3: 'sample_width / 8'}}
    return {'sample': {0: 'batch_size', 2: 'height', 3: 'width'}}, \
        {'latent_sample': {0: 'batch_size', 2: 'height_latent', 3: 'width_latent'}}


def vae_decoder_io(generation):
    if generation == 'new':
        return {'latent_sample': {0: 'batch_size', 2: 'latent_height', 3: 'latent_width'}}, \
            {'sample': {0: 'batch_size', 2: 'latent_height * 8', 3: 'latent_width * 8'}}
    return {'latent_sample': {0: 'batch_size', 2: 'height_latent', 3: 'width_latent'}}, \
        {'sample': {0: 'batch_size', 2: 'height', 3: 'width'}}


def text_axes(names):
    return {n: {0: 'batch_size'} if n == 'pooler_output' else {0: 'batch_size', 1: 'sequence_length'}
            for n in names}

# ---------------------------------------------------------------- fixed inputs and the PyTorch reference


def wave(shape, phase):
    """Deterministic test input, easy to rebuild in any language: float32(sin(0.37 i + phase)), C order."""
    n = 1
    for d in shape:
        n *= d
    return torch.sin(torch.arange(n, dtype=torch.float64) * 0.37 + phase).float().reshape(shape)


def guidance_embedding(diffusers_src, w, dim):
    """diffusers' LatentConsistencyModelPipeline.get_guidance_scale_embedding, run from its source file (the
    pipeline module itself needs transformers to import)."""
    path = os.path.join(diffusers_src, 'diffusers', 'pipelines', 'latent_consistency_models',
                        'pipeline_latent_consistency_text2img.py')
    tree = ast.parse(open(path).read())
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == 'get_guidance_scale_embedding')
    scope = {'torch': torch}
    exec(compile(ast.Module(body=[fn], type_ignores=[]), path, 'exec'), scope)
    return scope['get_guidance_scale_embedding'](None, w, embedding_dim=dim)


def given(values, wave_phase=None):
    """How a test rebuilds an input: from the wave rule, or from the values listed."""
    spec = {'shape': list(values.shape), 'dtype': str(values.dtype).replace('torch.', '')}
    return {**spec, 'wave': wave_phase} if wave_phase is not None else {**spec, 'values': values.flatten().tolist()}


def stats(t):
    t = t.detach().double()
    return {'shape': list(t.shape), 'sum': t.sum().item(), 'abs_sum': t.abs().sum().item(),
            'first': [round(v, 7) for v in t.flatten()[:8].tolist()]}


def prompt_ids(vocab, words, pad):
    ids = [vocab[BOS]] + [vocab[w + '</w>'] for w in words] + [vocab[EOS]]
    return torch.tensor([ids + [pad] * (SEQ - len(ids))] * 2)

# ---------------------------------------------------------------- folders


def pipeline_config(family):
    """model_index.json as Optimum's ORT pipeline saves it: `_class_name` ORT<pipeline>; components as
    optimum >= 1.24 keeps them from the export (diffusers/transformers classes, one `vae`), or as optimum 1.22
    rewrote them (("diffusers", "OnnxRuntimeModel") per ONNX part, `vae` dropped); (None, None) for a
    component the pipeline class has but the model lacks (the refiner's first text encoder)."""
    texts = [part for part, *_ in TEXT[family.layout]]
    classes = {'text_encoder': ['transformers', 'CLIPTextModel'],
               'text_encoder_2': ['transformers', 'CLIPTextModelWithProjection'],
               'unet': ['diffusers', 'UNet2DConditionModel'], 'vae': ['diffusers', 'AutoencoderKL']}
    onnx_parts = texts + ['unet', 'vae_decoder', 'vae_encoder']
    parts = ({name: classes[name] for name in texts + ['unet', 'vae']} if family.generation == 'new'
             else {name: ['diffusers', 'OnnxRuntimeModel'] for name in onnx_parts})
    tokenizers = {'text_encoder': 'tokenizer', 'text_encoder_2': 'tokenizer_2'}
    config = {'_class_name': 'ORT' + family.pipeline, '_diffusers_version': DIFFUSERS_VERSION, **parts,
              **{tokenizers[name]: ['transformers', 'CLIPTokenizer'] for name in texts},
              'scheduler': ['diffusers', family.scheduler['_class_name']],
              'feature_extractor': [None, None], 'image_encoder': [None, None]}
    if family.layout == 'sdxl-refiner':  # stable-diffusion-xl-refiner-1.0's model_index.json
        config.update(text_encoder=[None, None], tokenizer=[None, None], requires_aesthetics_score=True,
                      force_zeros_for_empty_prompt=False)
    elif family.layout == 'sdxl':
        config.update(force_zeros_for_empty_prompt=True)
    else:
        config.update(safety_checker=[None, None], requires_safety_checker=False)
    return dict(sorted(config.items()))


def write_config(folder, part, model):
    """The component's config.json as diffusers' save_config writes it."""
    with open(os.path.join(folder, part, 'config.json'), 'w') as f:
        f.write(model.to_json_string())


def text_encoders(folder, vocab, merges, layout, seed):
    """Writes the layout's tokenizers and text encoders; returns their reference outputs."""
    reference = {}
    for i, (part, width, act, pad) in enumerate(TEXT[layout]):
        tokenizer = part.replace('text_encoder', 'tokenizer')
        write_tokenizer(os.path.join(folder, tokenizer), vocab, merges, False, pad)
        config = clip_config(vocab, width, part == 'text_encoder_2', act)
        write_json(os.path.join(folder, part, 'config.json'), config)
        torch.manual_seed(seed + i)
        model = ClipTextEncoder(config, hidden_states=layout.startswith('sdxl')).eval()
        names = model.output_names()
        ids = prompt_ids(vocab, ['a', 'red', 'circle'], vocab[pad])
        export(model, (ids,), os.path.join(folder, part, 'model.onnx'), ['input_ids'], names,
               {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, **text_axes(names)})
        with torch.no_grad():
            out = dict(zip(names, model(ids)))
        reference[part] = {'inputs': {'input_ids': given(ids)}, 'outputs': {n: stats(out[n]) for n in names}}
    return reference


def unet_part(folder, family, diffusers_src, seed):
    """Writes unet/; returns its reference output for fixed inputs."""
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(**family.unet).eval()
    config, generation = unet.config, family.generation
    io = unet_io(config, generation)
    b = 2
    timestep = torch.tensor(500.0) if generation == 'new' else torch.tensor([500] * b, dtype=torch.int64)
    phases = {'sample': 0.0, 'encoder_hidden_states': 3.0, 'text_embeds': 4.0}
    values = {'sample': wave((b, config.in_channels, LATENT, LATENT), 0.0), 'timestep': timestep,
              'encoder_hidden_states': wave((b, SEQ, config.cross_attention_dim), 3.0),
              'text_embeds': wave((b, SDXL_TEXT_WIDTHS[1]), 4.0),
              # original size, crop top-left, then target size or (refiner) aesthetic score 6
              # (pipeline_stable_diffusion_xl.py and _img2img.py _get_add_time_ids)
              'time_ids': torch.tensor([[64.0, 64.0, 0.0, 0.0] + ([6.0] if family.layout == 'sdxl-refiner'
                                                                else [64.0, 64.0])] * b)}
    if config.time_cond_proj_dim is not None:  # LCM at guidance 8.5: w = 7.5
        values['timestep_cond'] = guidance_embedding(diffusers_src, torch.full((b,), 7.5), config.time_cond_proj_dim)
    args = tuple(values[n] for n in io)
    graph = UNetGraph(unet)
    export(graph, args, os.path.join(folder, 'unet', 'model.onnx'), list(io), ['out_sample'],
           {**io, 'out_sample': {0: 'batch_size', 2: 'height', 3: 'width'}})
    write_config(folder, 'unet', unet)
    with torch.no_grad():
        out = graph(*args)
    return {'inputs': {n: given(values[n], phases.get(n)) for n in io}, 'outputs': {'out_sample': stats(out)}}


def vae_parts(folder, scaling_factor, generation, seed):
    """Writes vae_encoder/ and vae_decoder/ (one AutoencoderKL); returns their reference outputs."""
    from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
    torch.manual_seed(seed)
    vae = AutoencoderKL(**VAE, scaling_factor=scaling_factor, force_upcast=True).eval()
    image, latent = (1, 3, 8 * LATENT, 8 * LATENT), (1, 4, LATENT, LATENT)
    parts = {'vae_encoder': (VaeEncoderGraph(vae, generation), vae_encoder_io(generation), image, 1.0),
             'vae_decoder': (VaeDecoderGraph(vae), vae_decoder_io(generation), latent, 2.0)}
    reference = {}
    for part, (graph, (inputs, outputs), shape, phase) in parts.items():
        arg = wave(shape, phase)
        export(graph, (arg,), os.path.join(folder, part, 'model.onnx'), list(inputs), list(outputs),
               {**inputs, **outputs})
        write_config(folder, part, vae)
        with torch.no_grad():
            out = graph(arg)
        # The old encoder samples inside the graph: only its shape is reproducible.
        sampled = generation == 'old' and part == 'vae_encoder'
        reference[part] = {'inputs': {list(inputs)[0]: given(arg, phase)},
                           'outputs': {list(outputs)[0]: {'shape': list(out.shape)} if sampled else stats(out)}}
    return reference


def family_folder(name, vocab, merges, diffusers_src, seed):
    family = FAMILIES[name]
    folder = os.path.join(ROOT, name)
    shutil.rmtree(folder, ignore_errors=True)
    reference = text_encoders(folder, vocab, merges, family.layout, seed)
    reference['unet'] = unet_part(folder, family, diffusers_src, seed + 2)
    reference.update(vae_parts(folder, family.scaling_factor, family.generation, seed + 3))
    write_json(os.path.join(folder, 'scheduler', 'scheduler_config.json'), family.scheduler)
    write_json(os.path.join(folder, 'model_index.json'), pipeline_config(family))
    write_json(os.path.join(ROOT, f'{name}.reference.json'), {
        'made_by': f'scripts/make_family_models.py with diffusers v{DIFFUSERS_VERSION} and torch {torch.__version__}',
        'input_rule': 'an input with `wave` p is float32(sin(0.37 * i + p)) at C-order index i; '
                      'one with `values` lists them in C order',
        'components': reference})


def main():
    if len(sys.argv) != 2 or not os.path.isdir(os.path.join(sys.argv[1], 'diffusers')):
        sys.exit(f'usage: {sys.argv[0]} DIFFUSERS_SRC (the src/ folder of diffusers v{DIFFUSERS_VERSION})')
    diffusers_src = os.path.abspath(sys.argv[1])
    version = diffusers_offline.load(diffusers_src).__version__
    if version != DIFFUSERS_VERSION:
        sys.exit(f'{diffusers_src} holds diffusers {version}, expected {DIFFUSERS_VERSION}')
    warnings.filterwarnings('ignore')  # torch.onnx tracer chatter
    vocab, merges = make_tokenizer()
    for i, name in enumerate(FAMILIES):
        family_folder(name, vocab, merges, diffusers_src, seed=100 + 10 * i)
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(ROOT, name)) for f in fs)
        assert size < 2 << 20, f'{name} is {size} bytes'
        print(f'{name}: {size // 1024} kB')


if __name__ == '__main__':
    main()
