// A sweep file's checks as the editor runs them on each pause in typing (readSweepDocument: parse, every
// finding, the cells' combinations): a 100 × 100 sweep (10,000 cells, the default cell limit) over steps and
// guidance on the default model, without the host's reading of its files (the pure checks a webview could
// run) and with it (the model's fit, read once per reading: a new reading per keystroke). The peer in the
// same run is the pure reading. Nothing is asserted.
import { relative } from 'node:path';
import { readSweepDocument } from '../src/extension/sweep/sweepDocument';
import { defaultModelDir } from '../src/runs/enginePaths';
import { sweepFileChecks } from '../src/runs/sweepFiles';

const RUNS = 9;
const SIDE = 100;
const dir = process.cwd();
const text = JSON.stringify({
  version: 1,
  base: { modelDir: relative(dir, defaultModelDir()), prompt: 'a red circle', seed: 1 },
  x: { field: 'steps', values: Array.from({ length: SIDE }, (_, i) => i + 1) },
  y: { field: 'guidanceScale', values: Array.from({ length: SIDE }, (_, i) => 1 + i / 10) },
});

function median(read: () => unknown): number {
  const times: number[] = [];
  for (let i = -2; i < RUNS; i++) {
    const t0 = performance.now();
    read();
    if (i >= 0) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const pure = median(() => readSweepDocument(text));
const hosted = median(() => readSweepDocument(text, undefined, sweepFileChecks(dir)));
const { findings } = readSweepDocument(text, undefined, sweepFileChecks(dir));
console.log(`checks of a ${SIDE}×${SIDE} sweep file (${SIDE * SIDE} cells), median of ${RUNS}:`);
console.log(`  pure                         ${pure.toFixed(1).padStart(6)} ms`);
console.log(`  with the model's files       ${hosted.toFixed(1).padStart(6)} ms (${findings.length} findings)`);
console.log(`  ratio                        ${(hosted / pure).toFixed(2)}x the pure checks`);
