"""Seconds per image of the PyTorch reference sampler (sample.py) at the given settings, warm
(after one untimed image): wall time, median of --runs, and CPU time (all threads), mean over them; printed
as JSON for bench/defaultModel.bench.ts. Eager PyTorch at its fastest: eval mode (checkpoint.load), under
torch.inference_mode, on cpu.py's two threads (the engine's intra-op threads for this model)."""
import cpu  # noqa: F401  (first: sets OpenMP up before torch loads)
import argparse
import json
import statistics
import time

import torch

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
    with torch.inference_mode():
        sample.generate(nets, [args.prompt], [0], args.steps, args.guidance)
        cpu0 = time.process_time()
        for seed in range(1, args.runs + 1):
            t0 = time.perf_counter()
            sample.generate(nets, [args.prompt], [seed], args.steps, args.guidance)
            times.append(time.perf_counter() - t0)
        cpu_seconds = (time.process_time() - cpu0) / args.runs
    print(json.dumps({'seconds_per_image': statistics.median(times), 'cpu_seconds_per_image': cpu_seconds,
                      'threads': torch.get_num_threads(), 'runs': args.runs}))


if __name__ == '__main__':
    main()
