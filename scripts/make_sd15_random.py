#!/usr/bin/python3
"""Writes a real-size SD 1.5 UNet with random weights as an Optimum-style ONNX component (never committed: 3.4 GB)
and times PyTorch eager on the same weights, for bench/realSizeUnet.bench.ts.

    /usr/bin/python3 scripts/make_sd15_random.py DIFFUSERS_SRC OUT_DIR

DIFFUSERS_SRC: the src/ folder of diffusers v0.35.2. The UNet is diffusers' UNet2DConditionModel at
runwayml/stable-diffusion-v1-5's unet/config.json values (859.52M parameters), seeded. OUT_DIR/unet/ gets
model.onnx with its weights as external data (torch.onnx writes them beside the graph past 2 GB), Optimum's
names and axes (sample, float32 rank-0 timestep, encoder_hidden_states -> out_sample) and config.json;
OUT_DIR/torch_eager.json the median time of one UNet call (batch 2, as guidance runs it) per latent size
(EAGER_LATENTS, default 32: 256x256 pixels) on every core. A folder already exported is kept.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffusers_offline  # noqa: E402

SD15 = dict(sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, cross_attention_dim=768,
            block_out_channels=(320, 640, 1280, 1280), attention_head_dim=8,
            down_block_types=('CrossAttnDownBlock2D',) * 3 + ('DownBlock2D',),
            up_block_types=('UpBlock2D',) + ('CrossAttnUpBlock2D',) * 3)
REPEATS = 3


class UNetGraph(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states).sample


def inputs(latent):
    g = torch.Generator().manual_seed(1)
    return (torch.randn(2, 4, latent, latent, generator=g), torch.tensor(500.0),
            torch.randn(2, 77, 768, generator=g))


def eager_ms(unet, latent):
    args = inputs(latent)
    times = []
    with torch.no_grad():
        unet(*args)  # warm-up
        for _ in range(REPEATS):
            start = time.perf_counter()
            unet(*args)
            times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def main(diffusers_src, out):
    diffusers = diffusers_offline.load(diffusers_src)
    torch.set_num_threads(os.cpu_count())  # as onnxruntime's CPU pool (Debian's OpenMP build starts at 1)
    torch.manual_seed(0)
    unet = diffusers.UNet2DConditionModel(**SD15).eval()
    params = sum(p.numel() for p in unet.parameters())
    graph = UNetGraph(unet)
    sizes = [int(s) for s in os.environ.get('EAGER_LATENTS', '32').split(',')]
    eager = {f'{8 * s}x{8 * s}': eager_ms(graph, s) for s in sizes}
    folder = os.path.join(out, 'unet')
    os.makedirs(folder, exist_ok=True)
    # The seed makes the same weights every time: a folder already exported needs only the eager times.
    with torch.no_grad():
        if not os.path.exists(os.path.join(folder, 'model.onnx')):
            torch.onnx.export(graph, inputs(8), os.path.join(folder, 'model.onnx'), opset_version=14,
                              input_names=['sample', 'timestep', 'encoder_hidden_states'], output_names=['out_sample'],
                              dynamic_axes={'sample': {0: 'batch_size', 2: 'height', 3: 'width'},
                                            'encoder_hidden_states': {0: 'batch_size', 1: 'sequence_length'},
                                            'out_sample': {0: 'batch_size', 2: 'height', 3: 'width'}})
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump({'_class_name': 'UNet2DConditionModel', **dict(unet.config)}, f, indent=1, default=list)
    with open(os.path.join(out, 'torch_eager.json'), 'w') as f:
        json.dump({'parameters': params, 'threads': torch.get_num_threads(), 'unet_call_ms_batch2': eager}, f, indent=1)
    print(f'{params / 1e6:.2f}M parameters; eager ms per call (batch 2): {eager}')


if __name__ == '__main__':
    main(*sys.argv[1:3])
