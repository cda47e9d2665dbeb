"""Reference text-to-image sampler: the trained networks in PyTorch with the shipped scheduler (DDIM,
leading spacing), classifier-free guidance and the engine's seeding (one torch.Generator per image,
seeded seed, seed+1, …). Its output is what the ONNX pipeline must reproduce.

    /usr/bin/python3 training/sample.py --prompt "a large red circle in the center on a blue background" \\
        --seed 1 --out /tmp/x.png
"""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse

import torch
from PIL import Image

import checkpoint
import networks
import schedule
import tokenizer
from classify import to_uint8
from scenes import IMAGE_SIZE


def initial_noise(seeds):
    lat = IMAGE_SIZE // networks.VAE_SCALE
    return torch.cat([torch.randn((1, 4, lat, lat), generator=torch.Generator().manual_seed(int(s))) for s in seeds])


@torch.no_grad()
def generate(nets, prompts, seeds, steps=20, guidance=7.5):
    """prompts, seeds: one each per image. Returns final latents [n,4,16,16] and images [n,3,64,64] in [-1,1]."""
    ids = torch.tensor([tokenizer.encode(p) for p in prompts])
    cond = nets['text_encoder'](ids)
    guided = guidance > 1
    if guided:
        uncond = nets['text_encoder'](torch.tensor([tokenizer.encode('')] * len(prompts)))
        cond = torch.cat([uncond, cond])
    acp = schedule.alphas_cumprod()
    x = initial_noise(seeds)
    ts = schedule.ddim_timesteps(steps)
    k = schedule.CONFIG['num_train_timesteps'] // steps
    for t in ts:
        inp = torch.cat([x, x]) if guided else x
        out = nets['unet'](inp, torch.full((inp.shape[0],), float(t)), cond)
        if guided:
            u, c = out.chunk(2)
            out = u + guidance * (c - u)
        x, _ = schedule.ddim_step(out, t, t - k, x, acp)
    return x, nets['decoder'](x / nets['scaling_factor'])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', default='training/tiny-shapes.pt')
    ap.add_argument('--prompt', required=True)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--guidance', type=float, default=7.5)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    nets = checkpoint.load(args.checkpoint)
    _, img = generate(nets, [args.prompt], [args.seed], args.steps, args.guidance)
    Image.fromarray(to_uint8(img[0].numpy())).save(args.out)


if __name__ == '__main__':
    main()
