// A tool run's sampler worker is started as the run begins, to load while the prompt is encoded
// (toolSampling.ts prepareSamplerWorker): asked for twice it starts one, and an idle prepared worker never
// keeps the engine process from ending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const TOOL_SAMPLING = join(__dirname, '..', '..', '..', 'src', 'engine', 'toolSampling.ts');

test('a prepared sampler worker is started once and does not keep the process alive', () => {
  // Counts the sampler workers started (tsx's esbuild may start a worker of its own); the process must end
  // by itself once its code has run.
  const script = `
    const threads = require('node:worker_threads');
    let started = 0;
    const Worker = threads.Worker;
    threads.Worker = class extends Worker { constructor(...a) { super(...a); if (String(a[0]).includes('samplerWorker')) started++; } };
    const { prepareSamplerWorker } = require(${JSON.stringify(TOOL_SAMPLING)});
    prepareSamplerWorker();
    prepareSamplerWorker();
    console.log('workers started: ' + started);`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `the process did not end by itself: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /workers started: 1\n/);
});
