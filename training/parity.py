"""Parity of the ONNX pipeline with the PyTorch reference sampler (same networks, scheduler, noise).

    /usr/bin/python3 training/parity.py --model models/tiny-shapes
        runs `diffusion-lab generate --dump` for each case and prints the largest differences;
    /usr/bin/python3 training/parity.py --checkpoint training/run/model.pt \\
            --write-fixture test/unit/models/fixtures/reference.json
        stores the reference outputs for test/unit/models/tinyShapesParity.test.ts (done by train.py after export).
"""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import checkpoint
import sample

TOLERANCE = 1e-3
CASES = [
    {'prompt': 'a large red circle in the center on a blue background', 'seed': 42, 'steps': 20, 'guidance': 7.5},
    {'prompt': 'a small white diamond at the bottom right on a green background', 'seed': 3, 'steps': 10,
     'guidance': 3.0},
    {'prompt': '', 'seed': 7, 'steps': 12, 'guidance': 1.0},  # unconditional, no guidance pass
]


def reference(nets, case):
    latents, image = sample.generate(nets, [case['prompt']], [case['seed']], case['steps'], case['guidance'])
    return latents.numpy().astype(np.float32), image.numpy().astype(np.float32)


def f32_b64(a):
    return base64.b64encode(np.ascontiguousarray(a, '<f4').tobytes()).decode()


def write_fixture(nets, path):
    out = []
    for case in CASES:
        latents, image = reference(nets, case)
        out.append({**case, 'latentShape': list(latents.shape), 'latents': f32_b64(latents),
                    'imageShape': list(image.shape), 'image': f32_b64(image)})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'tolerance': TOLERANCE, 'note': 'written by training/parity.py from the PyTorch checkpoint '
                   'the ONNX files were exported from', 'cases': out}, f)
        f.write('\n')


def compare_with_cli(nets, model):
    worst = 0.0
    for case in CASES:
        latents, image = reference(nets, case)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(['node', 'bin/diffusion-lab.js', 'generate', '--model', model, '--provider', 'cpu',
                            '--prompt', case['prompt'], '--seed', str(case['seed']), '--steps', str(case['steps']),
                            '--guidance', str(case['guidance']), '--out', f'{tmp}/x.png', '--dump', f'{tmp}/dump'],
                           check=True, capture_output=True)
            got_lat = np.fromfile(f'{tmp}/dump/latents.f32', '<f4').reshape(latents.shape)
            got_img = np.fromfile(f'{tmp}/dump/image.f32', '<f4').reshape(image.shape)
        d_lat, d_img = float(np.abs(got_lat - latents).max()), float(np.abs(got_img - image).max())
        worst = max(worst, d_lat, d_img)
        print(f'{case}: max |Δ| latents {d_lat:.2e}, image {d_img:.2e}')
    print(f'worst {worst:.2e} (tolerance {TOLERANCE:g}): {"PASS" if worst <= TOLERANCE else "FAIL"}')
    return worst <= TOLERANCE


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', default='training/tiny-shapes.pt', help='the checkpoint the ONNX files came from')
    ap.add_argument('--model', default='models/tiny-shapes')
    ap.add_argument('--write-fixture')
    args = ap.parse_args()
    nets = checkpoint.load(args.checkpoint)
    if args.write_fixture:
        write_fixture(nets, args.write_fixture)
    else:
        sys.exit(0 if compare_with_cli(nets, args.model) else 1)


if __name__ == '__main__':
    main()
