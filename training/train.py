"""Trains the tiny-shapes model: first the autoencoder, then the text encoder and UNet together on
latents of generated scenes. Step counts, batch sizes and seeds fix the whole run, so the same command
gives the same model. Writes checkpoints to --work every --save-every steps; at the end it exports
the ONNX folder (export.py does the same for any checkpoint), the parity test's reference outputs and
a copy of the checkpoint, then measures quality (evaluate.py) and writes the model card (modelCard.py).

    /usr/bin/python3 training/train.py --work training/run --out models/tiny-shapes
"""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import json
import math
import os
import shutil
import time

import numpy as np
import torch
import torch.nn.functional as F

import checkpoint
import evaluate
import export
import modelCard
import networks
import parity
import scenes
import schedule
import tokenizer
from modelDefaults import GUIDANCE

CAPTION_DROPOUT = 0.1  # empty prompt, for classifier-free guidance
KL_WEIGHT = 1e-5
UNKNOWN_WORD_RATE = 0.05  # captions with an out-of-vocabulary word, so unknown words in prompts do little harm


def cosine_lr(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))


def set_lr(opt, lr):
    for g in opt.param_groups:
        g['lr'] = lr


class Log:
    def __init__(self, path):
        self.f = open(path, 'a')
        self.start = time.time()

    def __call__(self, **kv):
        kv['elapsed_s'] = round(time.time() - self.start, 1)
        line = json.dumps(kv)
        print(line, flush=True)
        self.f.write(line + '\n')
        self.f.flush()


def train_vae(args, log):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    enc, dec = networks.Encoder(), networks.Decoder()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=args.vae_lr)
    run = 0.0
    for step in range(args.vae_steps):
        set_lr(opt, cosine_lr(step, args.vae_steps, args.vae_lr, 100))
        x, _ = scenes.batch(rng, args.vae_batch)
        x = torch.from_numpy(x)
        mean, logvar = enc(x)
        z = mean + torch.randn_like(mean) * (0.5 * logvar).exp()
        rec = F.mse_loss(dec(z), x)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = rec + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        run = rec.item() if step == 0 else 0.98 * run + 0.02 * rec.item()
        if (step + 1) % args.log_every == 0:
            log(phase='vae', step=step + 1, rec_mse=round(run, 6), kl=round(kl.item(), 3))
    enc.eval(), dec.eval()
    return enc, dec


@torch.no_grad()
def encode_pool(enc, n, seed):
    """Latent mean/std of n rendered training scenes, with the scene index of each."""
    rng = np.random.default_rng(seed + 1)
    idx = rng.integers(0, len(scenes.TRAIN_SCENES), n)
    means, stds = [], []
    for s in range(0, n, 256):
        x = torch.from_numpy(np.stack([scenes.render(scenes.TRAIN_SCENES[i], rng)[0] for i in idx[s:s + 256]]))
        m, lv = enc(x)
        means.append(m)
        stds.append((0.5 * lv).exp())
    return torch.cat(means), torch.cat(stds), idx


def captions_for(idx, rng):
    caps = []
    for i in idx:
        if rng.random() < CAPTION_DROPOUT:
            caps.append('')
        else:
            drops = [rng.random() < r for r in (0.15, 0.15, 0.1)]
            words = scenes.caption(scenes.TRAIN_SCENES[i], *drops).split()
            if rng.random() < UNKNOWN_WORD_RATE:
                words.insert(int(rng.integers(0, len(words) + 1)), '[UNK]')
            caps.append(' '.join(words))
    return torch.tensor([tokenizer.encode(c) for c in caps])


def train_unet(args, log, enc, dec, scaling):
    torch.manual_seed(args.seed + 2)
    rng = np.random.default_rng(args.seed + 2)
    means, stds, pool_idx = encode_pool(enc, args.pool, args.seed)
    log(phase='pool', n=args.pool)
    text = networks.TextEncoder(len(tokenizer.VOCAB), tokenizer.MAX_LENGTH)
    unet = networks.UNet(text.final.normalized_shape[0])
    params = list(text.parameters()) + list(unet.parameters())
    ema = [p.detach().clone() for p in params]
    opt = torch.optim.AdamW(params, lr=args.unet_lr, weight_decay=0.01)
    acp = schedule.alphas_cumprod().float()
    T = len(acp)
    run = 0.0
    for step in range(args.unet_steps):
        set_lr(opt, cosine_lr(step, args.unet_steps, args.unet_lr, 200))
        pick = rng.integers(0, args.pool, args.unet_batch)
        ids = captions_for(pool_idx[pick], rng)
        pick = torch.from_numpy(pick)
        z0 = (means[pick] + stds[pick] * torch.randn_like(means[pick])) * scaling
        t = torch.randint(0, T, (args.unet_batch,))
        noise = torch.randn_like(z0)
        a = acp[t][:, None, None, None]
        zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(unet(zt, t.float(), text(ids)), noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema, params):
                e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        run = loss.item() if step == 0 else 0.98 * run + 0.02 * loss.item()
        if (step + 1) % args.log_every == 0:
            log(phase='unet', step=step + 1, loss=round(run, 5), lr=round(opt.param_groups[0]['lr'], 6))
        if (step + 1) % args.save_every == 0 or step + 1 == args.unet_steps:
            save(args, enc, dec, scaling, text, unet, ema, params, step + 1)


def save(args, enc, dec, scaling, text, unet, ema, params, step):
    """Checkpoint with the EMA weights swapped in, written atomically."""
    live = [p.detach().clone() for p in params]
    with torch.no_grad():
        for p, e in zip(params, ema):
            p.copy_(e)
    ckpt = {'encoder': enc.state_dict(), 'decoder': dec.state_dict(), 'text_encoder': text.state_dict(),
            'unet': unet.state_dict(), 'scaling_factor': scaling, 'unet_step': step, 'args': vars(args)}
    tmp = os.path.join(args.work, 'model.pt.tmp')
    torch.save(ckpt, tmp)
    os.replace(tmp, os.path.join(args.work, 'model.pt'))
    with torch.no_grad():
        for p, l in zip(params, live):
            p.copy_(l)


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--work', default='training/run', help='folder for checkpoints and the log')
    ap.add_argument('--out', default='models/tiny-shapes', help='ONNX folder written when training ends')
    ap.add_argument('--checkpoint', default='training/tiny-shapes.pt', help='copy of the final checkpoint, kept in git')
    ap.add_argument('--fixture', default='test/unit/models/fixtures/reference.json',
                    help='PyTorch reference outputs for the ONNX parity test, written with the export')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--vae-steps', type=int, default=5000)
    ap.add_argument('--vae-batch', type=int, default=32)
    ap.add_argument('--vae-lr', type=float, default=1e-3)
    ap.add_argument('--unet-steps', type=int, default=6000)
    ap.add_argument('--unet-batch', type=int, default=64)
    ap.add_argument('--unet-lr', type=float, default=1e-3)
    ap.add_argument('--ema', type=float, default=0.999)
    ap.add_argument('--pool', type=int, default=30000, help='rendered scenes encoded once for the UNet phase')
    ap.add_argument('--log-every', type=int, default=50)
    ap.add_argument('--save-every', type=int, default=500)
    return ap


def main():
    args = parser().parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    log = Log(os.path.join(args.work, 'train.log.jsonl'))
    log(phase='start', args=vars(args))
    enc, dec = train_vae(args, log)
    torch.save({'encoder': enc.state_dict(), 'decoder': dec.state_dict()}, os.path.join(args.work, 'vae.pt'))
    with torch.no_grad():
        x, _ = scenes.batch(np.random.default_rng(args.seed + 3), 1024)
        scaling = float(1 / enc(torch.from_numpy(x))[0].std())
    log(phase='scaling', scaling_factor=scaling)
    train_unet(args, log, enc, dec, scaling)
    nets = checkpoint.load(os.path.join(args.work, 'model.pt'))
    export.export(nets, args.out)
    parity.write_fixture(nets, args.fixture)
    shutil.copy(os.path.join(args.work, 'model.pt'), args.checkpoint)
    log(phase='done', exported=args.out)
    evaluate.evaluate(evaluate.onnx_backend(args.out, evaluate.STEPS, GUIDANCE), args.out, 'onnx',
                      evaluate.STEPS, GUIDANCE, evaluate.SEED, args.checkpoint,
                      evaluate.onnx_backend(args.out, evaluate.STEPS, evaluate.CLI_GUIDANCE))
    modelCard.write(args.work, args.out)


if __name__ == '__main__':
    main()
