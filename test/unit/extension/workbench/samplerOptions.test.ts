import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplerOptions } from '../../../../src/extension/workbench/samplerOptions';

test("the workbench's picker offers the new classes with the spacing and σ choices their configs have", () => {
  const offered = (name: string) => samplerOptions().find((o) => o.className === name);
  assert.deepEqual(offered('KDPM2AncestralDiscreteScheduler'), {
    className: 'KDPM2AncestralDiscreteScheduler',
    a1111: undefined,
    spacing: true,
    sigmas: ['karras', 'exponential', 'beta'],
  });
  // Singlestep DPM-Solver always spaces by linspace; IPNDM has its own schedule.
  assert.equal(offered('DPMSolverSinglestepScheduler')?.spacing, false);
  assert.deepEqual(offered('IPNDMScheduler')?.sigmas, []);
});
