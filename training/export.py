"""Writes a checkpoint from train.py as a Stable Diffusion ONNX folder (the older diffusers export's
layout and I/O names), with the tokenizer, scheduler config and VAE config beside the models.

    /usr/bin/python3 training/export.py --work training/run --out models/tiny-shapes
"""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

import checkpoint
import networks
import onnx
from foldShapes import fold_shapes
from fuseAttention import fuse_attention
import scenes
import schedule
import tokenizer
from modelDefaults import GUIDANCE
from scenes import IMAGE_SIZE

OPSET = 17


class EncoderMean(torch.nn.Module):
    """The encoder's posterior mean: the deterministic latent image-to-image starts from."""

    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, sample):
        return self.enc(sample)[0]


@torch.no_grad()
def latent_rgb(nets, n=512, seed=12):
    """Least-squares latent→RGB factors and bias for the engine's cheap per-step preview: scaled
    latents (the diffusion space, where x̂0 lives) of rendered scenes against the images averaged
    down to latent resolution, in [-1, 1] like SD's published factors."""
    x = torch.from_numpy(scenes.batch(np.random.default_rng(seed), n)[0])
    z = nets['encoder'](x)[0] * nets['scaling_factor']
    rgb = F.avg_pool2d(x, networks.VAE_SCALE)
    a = torch.cat([z, torch.ones_like(z[:, :1])], 1).permute(0, 2, 3, 1).reshape(-1, z.shape[1] + 1).double()
    sol = torch.linalg.lstsq(a, rgb.permute(0, 2, 3, 1).reshape(-1, 3).double()).solution
    return [[round(v, 4) for v in row] for row in sol[:-1].tolist()], [round(v, 4) for v in sol[-1].tolist()]


def _export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True)


def _simplify(path):
    """The UNet rewritten for onnxruntime: shape arithmetic folded and attention fused (foldShapes.py,
    fuseAttention.py): 1039 nodes become 499, and a UNet call takes about a tenth less time."""
    model, _ = fuse_attention(fold_shapes(onnx.load(path)))
    onnx.checker.check_model(model)
    onnx.save(model, path)


def _json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


@torch.no_grad()
def export(nets, out):
    lat = IMAGE_SIZE // networks.VAE_SCALE
    dim = nets['text_encoder'].final.normalized_shape[0]
    ids = torch.tensor([tokenizer.encode('a small red circle')] * 2, dtype=torch.int64)
    _export(nets['text_encoder'], (ids,), f'{out}/text_encoder/model.onnx', ['input_ids'], ['last_hidden_state'],
            {'input_ids': {0: 'batch'}, 'last_hidden_state': {0: 'batch'}})
    unet_args = (torch.randn(2, 4, lat, lat), torch.tensor([500.0, 500.0]), torch.randn(2, tokenizer.MAX_LENGTH, dim))
    _export(nets['unet'], unet_args,
            f'{out}/unet/model.onnx', ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'],
            {'sample': {0: 'batch'}, 'timestep': {0: 'batch'}, 'encoder_hidden_states': {0: 'batch'},
             'out_sample': {0: 'batch'}})
    _simplify(f'{out}/unet/model.onnx')
    _export(nets['decoder'], (torch.randn(1, 4, lat, lat),), f'{out}/vae_decoder/model.onnx', ['latent_sample'],
            ['sample'], {'latent_sample': {0: 'batch'}, 'sample': {0: 'batch'}})
    _export(EncoderMean(nets['encoder']), (torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE),), f'{out}/vae_encoder/model.onnx',
            ['sample'], ['latent_sample'], {'sample': {0: 'batch'}, 'latent_sample': {0: 'batch'}})
    tokenizer.write(f'{out}/tokenizer')
    _json(f'{out}/scheduler/scheduler_config.json', schedule.CONFIG)
    factors, bias = latent_rgb(nets)
    vae = {'_class_name': 'AutoencoderKL', 'in_channels': 3, 'out_channels': 3, 'latent_channels': 4,
           'block_out_channels': [24, 48, 64], 'sample_size': IMAGE_SIZE,
           'scaling_factor': nets['scaling_factor'], 'latent_rgb_factors': factors, 'latent_rgb_bias': bias}
    _json(f'{out}/vae_decoder/config.json', vae)
    _json(f'{out}/vae_encoder/config.json', vae)
    _json(f'{out}/text_encoder/config.json', {'hidden_size': dim, 'max_position_embeddings': tokenizer.MAX_LENGTH,
                                              'vocab_size': len(tokenizer.VOCAB)})
    _json(f'{out}/unet/config.json', {'sample_size': lat, 'in_channels': 4, 'out_channels': 4,
                                      'cross_attention_dim': dim})
    _json(f'{out}/model_index.json', {
        '_class_name': 'OnnxStableDiffusionPipeline',
        '_diffusers_version': '0.14.0',
        'feature_extractor': [None, None],
        'requires_safety_checker': False,
        'safety_checker': [None, None],
        'scheduler': ['diffusers', 'DDIMScheduler'],
        'text_encoder': ['diffusers', 'OnnxRuntimeModel'],
        'tokenizer': ['transformers', 'PreTrainedTokenizerFast'],
        'unet': ['diffusers', 'OnnxRuntimeModel'],
        'vae_decoder': ['diffusers', 'OnnxRuntimeModel'],
        'vae_encoder': ['diffusers', 'OnnxRuntimeModel'],
        # Diffusion Lab's per-model default (diffusers ignores '_' keys): the guidance the held-out
        # evaluation uses (evaluate.py --sweep, MODEL_CARD.md "Quality").
        '_diffusion_lab': {'guidance_scale': GUIDANCE},
    })


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--work', default='training/run')
    ap.add_argument('--out', default='models/tiny-shapes')
    args = ap.parse_args()
    nets = checkpoint.load(os.path.join(args.work, 'model.pt'))
    export(nets, args.out)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out) for f in fs)
    print(f'exported UNet step {nets["unet_step"]} to {args.out} ({size / 1e6:.2f} MB)')


if __name__ == '__main__':
    main()
