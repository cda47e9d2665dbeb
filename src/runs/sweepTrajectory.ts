// The latent trajectories of two sweep cells compared step by step. Cells keep only their PNGs, so
// both run again (as the workbench's step viewer does) with each step's latents captured, one after
// the other through the same engine; the first run's latents are held only until the second's arrive.
// The latent compared is each step's x̂0: the diffusers loop reports x_t after its step and the tool
// samplers (k-diffusion's callback) before it, while x̂0 is the same quantity on both paths.
import type { RunOptions, StepEvent } from '../protocol/engine';
import { TrajectoryDistance, type TrajectoryComparison } from '../core/tensor/trajectoryDistance';
import type { EngineClient } from './engineClient';
import { executeRun, prepareRun } from './executeRun';
import type { ResolvedCell } from './sweepFiles';

export async function compareTrajectories(
  engine: EngineClient,
  cells: readonly [ResolvedCell, ResolvedCell],
  runOptions: RunOptions,
  signal?: AbortSignal,
): Promise<TrajectoryComparison> {
  const distance = new TrajectoryDistance();
  const options: RunOptions = { ...runOptions, preview: { every: 1, kind: 'none' }, captureLatents: true };
  // A failure inside a step callback would be thrown in the engine client's message handler: it is
  // kept and thrown here once the run is over.
  let failure: Error | undefined;
  for (const [k, cell] of cells.entries()) {
    const add = (e: StepEvent) => {
      if (!e.x0 || failure) return;
      const s = { step: e.step, totalSteps: e.totalSteps, sigma: e.sigma, latent: e.x0 };
      try {
        if (k === 0) distance.addA(s);
        else distance.addB(s);
      } catch (err) {
        failure = err as Error;
      }
    };
    await executeRun(engine, prepareRun({ ...cell.run, batchSize: 1 }), options, { signal, onStep: add });
    if (failure) throw failure;
  }
  return distance.result();
}
