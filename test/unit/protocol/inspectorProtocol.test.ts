import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInspectorMessage } from '../../../src/protocol/schedule';

test('the host accepts only well-formed inspector messages', () => {
  for (const ok of [
    { type: 'ready' },
    { type: 'addOverlayFile' },
    { type: 'removeOverlay', id: 'overlay-1' },
    { type: 'export', format: 'png', fileName: 'a.png', data: new Uint8Array([1]) },
    { type: 'export', format: 'csv', fileName: 'a.csv', data: 'plot,series,x,y\n' },
    { type: 'generate', schedule: 'sd15', sampler: '', steps: 20 },
    { type: 'generate', schedule: 'sd15', sampler: 'DPMSolverMultistepScheduler', steps: 10 },
    { type: 'reveal', line: 3 },
  ]) {
    assert.equal(isInspectorMessage(ok), true, JSON.stringify(ok));
  }
  for (const bad of [
    null,
    'ready',
    {},
    { type: 'openFile', path: '/etc/passwd' },
    { type: 'export', format: 'exe', fileName: 'a', data: '' },
    { type: 'export', format: 'png', fileName: 'a.png', data: [1, 2] },
    { type: 'generate', schedule: 'sd15' },
    { type: 'generate', schedule: 'sd15', sampler: '', steps: 0 },
    { type: 'reveal', line: -1 },
    { type: 'reveal', line: 1.5 },
    { type: 'removeOverlay' },
  ]) {
    assert.equal(isInspectorMessage(bad), false, JSON.stringify(bad));
  }
});
