#!/usr/bin/python3
"""Completes the real-size SD 1.5 UNet of make_sd15_random.py into a model folder the engine runs, and measures
PyTorch's peak memory on the same weights, for bench/realSizeMemory.bench.ts (never committed: 4 GB).

    /usr/bin/python3 scripts/make_sd15_random.py DIFFUSERS_SRC DIR    # unet/ (3.4 GB) first
    /usr/bin/python3 scripts/make_sd15_folder.py DIFFUSERS_SRC DIR

DIR gets text_encoder/ (the CLIP text transformer's structure at CLIP ViT-L/14's size: width 768, 12 layers,
12 heads, 49408 tokens; transformers is not on Debian), vae_decoder/ (diffusers' AutoencoderKL at SD 1.5's
config, which SDXL's VAE shares), the fixture tokenizer and SD 1.5's scheduler config, all with seeded random
weights, and torch_peak.json: the peak RSS of a fresh PyTorch process doing what an engine run does, each in
its own process: (1) a 512x512 run (text encoder on 2 prompts, STEPS UNet calls at batch 2, VAE decode), and
(2) a VAE decode at 1024x1024 (SDXL's output size). A component already exported is kept.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffusers_offline  # noqa: E402
from make_family_models import ClipTextEncoder, VaeDecoderGraph, export, text_axes, vae_decoder_io  # noqa: E402
from make_sd15_random import SD15, UNetGraph  # noqa: E402
from make_test_models import ROOT, SEQ, write_json  # noqa: E402

STEPS = 2  # the peak comes with the first UNet call; more steps only take longer
CLIP_L = {'architectures': ['CLIPTextModel'], 'model_type': 'clip_text_model', 'hidden_size': 768,
          'intermediate_size': 3072, 'num_hidden_layers': 12, 'num_attention_heads': 12,
          'max_position_embeddings': SEQ, 'projection_dim': 768, 'hidden_act': 'quick_gelu', 'vocab_size': 49408,
          'bos_token_id': 49406, 'eos_token_id': 49407, 'pad_token_id': 1, 'torch_dtype': 'float32'}
# runwayml/stable-diffusion-v1-5 vae/config.json
SD_VAE = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512),
              layers_per_block=2, down_block_types=('DownEncoderBlock2D',) * 4,
              up_block_types=('UpDecoderBlock2D',) * 4, norm_num_groups=32, sample_size=512)
SEEDS = {'unet': 0, 'text_encoder': 1, 'vae': 2}  # unet: make_sd15_random.py's seed


def text_encoder():
    torch.manual_seed(SEEDS['text_encoder'])
    return ClipTextEncoder(CLIP_L, hidden_states=False).eval()


def vae(diffusers):
    torch.manual_seed(SEEDS['vae'])
    return diffusers.AutoencoderKL(**SD_VAE).eval()


def unet(diffusers):
    torch.manual_seed(SEEDS['unet'])
    return UNetGraph(diffusers.UNet2DConditionModel(**SD15)).eval()


def prompt_ids():
    return torch.tensor([[49406, 320, 1929, 49407] + [49407] * (SEQ - 4)] * 2)


def write_folder(diffusers, out):
    tiny = os.path.join(ROOT, 'tiny-sd15')
    for part in ('tokenizer', 'scheduler'):
        shutil.copytree(os.path.join(tiny, part), os.path.join(out, part), dirs_exist_ok=True)
    shutil.copy(os.path.join(tiny, 'model_index.json'), os.path.join(out, 'model_index.json'))
    if not os.path.exists(os.path.join(out, 'text_encoder', 'model.onnx')):
        write_json(os.path.join(out, 'text_encoder', 'config.json'), CLIP_L)
        model = text_encoder()
        names = model.output_names()
        export(model, (prompt_ids(),), os.path.join(out, 'text_encoder', 'model.onnx'), ['input_ids'], names,
               {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, **text_axes(names)})
    if not os.path.exists(os.path.join(out, 'vae_decoder', 'model.onnx')):
        model = vae(diffusers)
        inputs, outputs = vae_decoder_io('new')
        export(VaeDecoderGraph(model), (torch.randn(1, 4, 64, 64),), os.path.join(out, 'vae_decoder', 'model.onnx'),
               list(inputs), list(outputs), {**inputs, **outputs})
        with open(os.path.join(out, 'vae_decoder', 'config.json'), 'w') as f:
            f.write(model.to_json_string())


def measure(diffusers, what):
    """One measurement in this (fresh) process: peak RSS in MiB after it."""
    torch.set_num_threads(os.cpu_count())
    with torch.no_grad():
        decoder = VaeDecoderGraph(vae(diffusers))
        if what == 'run512':
            context = text_encoder()(prompt_ids())[0]
            model = unet(diffusers)
            latents = torch.randn(1, 4, 64, 64)
            for t in range(STEPS):
                model(torch.cat([latents] * 2), torch.tensor(999.0 - 500 * t), context)
            decoder(latents / 0.18215)
        else:
            decoder(torch.randn(1, 4, 128, 128))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(diffusers_src, out, what=None):
    diffusers = diffusers_offline.load(diffusers_src)
    warnings.filterwarnings('ignore')
    if what:
        print(json.dumps({what: measure(diffusers, what)}))
        return
    write_folder(diffusers, out)
    peaks = {}
    for case in ('run512', 'vae1024'):
        r = subprocess.run([sys.executable, __file__, diffusers_src, out, case], capture_output=True, text=True,
                           check=True)
        peaks.update(json.loads(r.stdout.strip().splitlines()[-1]))
    write_json(os.path.join(out, 'torch_peak.json'), {'steps': STEPS, 'threads': os.cpu_count(),
                                                      'peak_rss_mib': peaks})
    print(f'PyTorch peak RSS (MiB): {peaks}')


if __name__ == '__main__':
    main(*sys.argv[1:4])
