// The engine's WebAssembly kernels ship as base64 in TypeScript modules made from their .wat sources
// (scripts/buildKernels.ts): each module must be what its source assembles to, so an edit to a .wat
// file cannot ship without its binary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { kernelModule, kernelSources, moduleFile } from '../../../scripts/buildKernels';

test('every kernel module is its .wat source assembled', async () => {
  const sources = kernelSources();
  assert.ok(sources.includes('src/engine/kernels/guidedSteps.wat'), `sources: ${sources}`);
  assert.ok(sources.includes('src/core/rng/torchNormals.wat'), `sources: ${sources}`);
  assert.ok(sources.includes('src/core/noise/brownianBridge.wat'), `sources: ${sources}`);
  for (const wat of sources) {
    assert.equal(
      readFileSync(moduleFile(wat), 'utf8'),
      await kernelModule(wat),
      `${moduleFile(wat)} is stale: run node --import tsx scripts/buildKernels.ts`,
    );
  }
});
