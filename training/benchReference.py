"""Seconds per image of the PyTorch reference sampler (sample.py) at the given settings, warm
(after one untimed image), median of --runs; printed as JSON for bench/defaultModel.bench.ts."""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import json
import statistics
import time

import checkpoint
import sample


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--checkpoint', default='training/tiny-shapes.pt')
    ap.add_argument('--prompt', default='a large red circle in the center on a blue background')
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--guidance', type=float, default=7.5)
    ap.add_argument('--runs', type=int, default=9)
    args = ap.parse_args()
    nets = checkpoint.load(args.checkpoint)
    times = []
    for seed in range(args.runs + 1):
        t0 = time.perf_counter()
        sample.generate(nets, [args.prompt], [seed], args.steps, args.guidance)
        times.append(time.perf_counter() - t0)
    print(json.dumps({'seconds_per_image': statistics.median(times[1:]), 'runs': args.runs}))


if __name__ == '__main__':
    main()
