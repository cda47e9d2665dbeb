"""Quality of a trained model on captions held out of training, judged by classify.py, plus layout
diversity across seeds. Writes quality.json and the sample grid PNG into the model folder.

    /usr/bin/python3 training/evaluate.py --model models/tiny-shapes --backend onnx
    /usr/bin/python3 training/evaluate.py --backend torch --model models/tiny-shapes
    /usr/bin/python3 training/evaluate.py --sweep 2,3,4,7.5,12   (how modelDefaults.GUIDANCE was picked; writes nothing)

backend onnx: images come from the engine's ONNX pipeline (training/onnxGenerate.ts, the engine the
CLI runs); backend torch: from the PyTorch reference sampler (sample.py) on the checkpoint.
"""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import torch
from PIL import Image

import checkpoint
import classify
import sample
import scenes
from modelDefaults import GUIDANCE

DIVERSITY_CAPTION = 'a small yellow triangle on a black background'  # position left free
DIVERSITY_SEEDS = 16
GRID_COLUMNS = 8
STEPS, SEED = 20, 5000  # SEED keeps the reported figures off the --sweep seeds
SWEEP_SEED = 1000
CLI_GUIDANCE = 7.5  # the CLI's default, also reported


def torch_backend(checkpoint_path, steps, guidance):
    nets = checkpoint.load(checkpoint_path)

    def run(prompts, seeds):
        out = []
        for i in range(0, len(prompts), 32):
            _, img = sample.generate(nets, prompts[i:i + 32], seeds[i:i + 32], steps, guidance)
            out += [classify.to_uint8(x) for x in img.numpy()]
        return out
    return run


def onnx_backend(model, steps, guidance):
    def run(prompts, seeds):
        with tempfile.TemporaryDirectory() as tmp:
            jobs = {'modelDir': model, 'steps': steps, 'guidanceScale': guidance,
                    'jobs': [{'prompt': p, 'seed': int(s)} for p, s in zip(prompts, seeds)]}
            with open(f'{tmp}/jobs.json', 'w') as f:
                json.dump(jobs, f)
            subprocess.run(['node', '--import', 'tsx', 'training/onnxGenerate.ts', f'{tmp}/jobs.json', f'{tmp}/out'],
                           check=True)
            return [np.asarray(Image.open(f'{tmp}/out/{i}.png').convert('RGB')) for i in range(len(prompts))]
    return run


def held_out(run, seed):
    """(classified, truth) for one sample per held-out caption, seeds from `seed`, and the images."""
    held = scenes.HELD_OUT_SCENES
    images = run([scenes.caption(s) for s in held], [seed + i for i in range(len(held))])
    return [(classify.classify(img), classify.truth(s)) for img, s in zip(images, held)], images


def sweep(backend, where, steps, guidances):
    """Held-out accuracy at each guidance scale, on seeds of its own (SWEEP_SEED onward)."""
    for g in guidances:
        acc = classify.score(held_out(backend(where, steps, g), SWEEP_SEED)[0])
        print(json.dumps({'guidance': g, **{k: round(v, 4) for k, v in acc.items()}}), flush=True)


def reconstruction_ceiling(checkpoint_path, n=1000, seed=11):
    """The checker on dataset images passed through the autoencoder (encoder mean → decoder): what the
    decoder can draw at all, so an upper bound for generated samples."""
    nets = checkpoint.load(checkpoint_path)
    rng = np.random.default_rng(seed)
    picked = [scenes.ALL_SCENES[i] for i in rng.integers(0, len(scenes.ALL_SCENES), n)]
    x = torch.from_numpy(np.stack([scenes.render(s, rng)[0] for s in picked]))
    with torch.no_grad():
        rec = torch.cat([nets['decoder'](nets['encoder'](x[i:i + 200])[0]) for i in range(0, n, 200)])
    pairs = [(classify.classify(classify.to_uint8(r)), classify.truth(s)) for r, s in zip(rec.numpy(), picked)]
    small = [p for p, s in zip(pairs, picked) if s[0] == 'small']
    large = [p for p, s in zip(pairs, picked) if s[0] == 'large']
    return {'all': classify.score(pairs), 'small_shape': classify.score(small)['shape'],
            'large_shape': classify.score(large)['shape']}


def grid(images, columns):
    rows = -(-len(images) // columns)
    h, w, _ = images[0].shape
    canvas = np.full((rows * (h + 2), columns * (w + 2), 3), 255, np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, columns)
        canvas[r * (h + 2):r * (h + 2) + h, c * (w + 2):c * (w + 2) + w] = img
    return canvas


def evaluate(run, model, backend, steps, guidance, seed, checkpoint_path, other_run=None):
    """Classifies held-out and diversity samples made by `run`; writes quality.json, samples.png and
    samples.txt into `model` and returns the report. `other_run`, when given, is scored on the same
    captions and seeds as a second setting (the CLI's default guidance)."""
    held = scenes.HELD_OUT_SCENES
    prompts = [scenes.caption(s) for s in held]
    pairs, images = held_out(run, seed)
    quality = classify.score(pairs)
    by_size = {size: classify.score([p for p, s in zip(pairs, held) if s[0] == size])['shape'] for size in scenes.SIZES}

    div_images = run([DIVERSITY_CAPTION] * DIVERSITY_SEEDS, [seed + i for i in range(DIVERSITY_SEEDS)])
    div = [classify.classify(img) for img in div_images]
    positions = sorted({d['position'] for d in div if d['position']})
    report = {
        'backend': 'onnx pipeline (src/engine)' if backend == 'onnx' else 'pytorch reference sampler',
        'steps': steps, 'guidance': guidance, 'seed': seed, 'scheduler': 'DDIMScheduler',
        'held_out_samples': len(held),
        'accuracy': {k: round(v, 4) for k, v in quality.items()},
        'shape_accuracy_by_size': {k: round(v, 4) for k, v in by_size.items()},
        'accuracy_at_cli_guidance': other_run and {
            'guidance': CLI_GUIDANCE,
            **{k: round(v, 4) for k, v in classify.score(held_out(other_run, seed)[0]).items()}},
        'checker_on_dataset_images': {k: round(v, 4) for k, v in classify.validate(1000).items()},
        'checker_on_vae_reconstructions': reconstruction_ceiling(checkpoint_path),
        'diversity': {'caption': DIVERSITY_CAPTION, 'seeds': DIVERSITY_SEEDS, 'positions_seen': positions,
                      'attributes_right': round(sum(d['colour'] == 'yellow' and d['shape'] == 'triangle' and
                                                    d['size'] == 'small' and d['background'] == 'black'
                                                    for d in div) / DIVERSITY_SEEDS, 4)},
    }
    with open(os.path.join(model, 'quality.json'), 'w') as f:
        json.dump(report, f, indent=1)
        f.write('\n')
    shown = images[:5 * GRID_COLUMNS] + div_images[:GRID_COLUMNS]
    Image.fromarray(grid(shown, GRID_COLUMNS)).resize(
        (GRID_COLUMNS * 66 * 2, (len(shown) // GRID_COLUMNS) * 66 * 2), Image.NEAREST).save(
        os.path.join(model, 'samples.png'), optimize=True)
    with open(os.path.join(model, 'samples.txt'), 'w') as f:
        f.write('Rows 1-5: held-out captions, one seed each, in order:\n')
        f.writelines(f'{p}\n' for p in prompts[:5 * GRID_COLUMNS])
        f.write(f'Row 6: "{DIVERSITY_CAPTION}", seeds {seed}..{seed + GRID_COLUMNS - 1}\n')
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default='models/tiny-shapes', help='ONNX folder (onnx backend) and where results go')
    ap.add_argument('--checkpoint', default='training/tiny-shapes.pt',
                    help='PyTorch weights (torch backend, and the autoencoder ceiling)')
    ap.add_argument('--backend', choices=('onnx', 'torch'), default='onnx')
    ap.add_argument('--steps', type=int, default=STEPS)
    ap.add_argument('--guidance', type=float, default=GUIDANCE)
    ap.add_argument('--seed', type=int, default=SEED)
    ap.add_argument('--sweep',
                    help='comma-separated guidance scales: print held-out accuracy at each (seeds from 1000)')
    args = ap.parse_args()
    backend = onnx_backend if args.backend == 'onnx' else torch_backend
    where = args.model if args.backend == 'onnx' else args.checkpoint
    if args.sweep:
        return sweep(backend, where, args.steps, [float(g) for g in args.sweep.split(',')])
    report = evaluate(backend(where, args.steps, args.guidance), args.model, args.backend, args.steps, args.guidance,
                      args.seed, args.checkpoint, backend(where, args.steps, CLI_GUIDANCE))
    print(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
