// The one way a run happens, for the CLI and the extension alike: the seed is drawn and the run
// stamped once, the engine makes the images, and the records and PNG metadata are built here from
// the spec and what the engine reports (never read back from PNG bytes). Input images (init image,
// mask) are read here, so the engine gets pixels and the records the files' hashes.
import type { GenerateResult, PreviewImage, RunInfo, RunOptions, StepEvent } from '../protocol/engine';
import { resolveSeed, type RunSpec } from '../protocol/run';
import type { EngineClient } from './engineClient';
import { withPngText } from '../png/pngText';
import { readRunInputs } from './inputImages';
import { buildRunRecords, pngTextChunks, type RunRecord } from './runRecord';

/** A run about to start: its one timestamp, and its spec with the seed (and variation seed) drawn. */
export interface PreparedRun {
  createdAt: Date;
  spec: RunSpec;
}

export interface FinishedRun extends PreparedRun {
  info: RunInfo;
  /** One per image: its record, and its PNG carrying that record and A1111's parameters. */
  records: RunRecord[];
  images: (PreviewImage & { png: Uint8Array })[];
  tensors?: GenerateResult['tensors'];
}

export function prepareRun(spec: RunSpec, random: () => number = Math.random): PreparedRun {
  const n = spec.batchSize;
  const subseed = spec.subseed === undefined ? {} : { subseed: resolveSeed(spec.subseed, random, n) };
  return { createdAt: new Date(), spec: { ...spec, seed: resolveSeed(spec.seed, random, n), ...subseed } };
}

export interface RunEvents {
  onStep?: (e: StepEvent) => void;
  signal?: AbortSignal;
}

export function executeRun(
  engine: EngineClient,
  run: PreparedRun,
  options: RunOptions,
  events: RunEvents = {},
): Promise<FinishedRun> {
  return executeTogether(engine, [run], options, [events])[0];
}

/** Runs made side by side, their UNet calls joined where they can be (EngineClient.generateTogether): a
 * promise for each, which settles as executeRun's would; the caller handles every one. */
export function executeTogether(
  engine: EngineClient,
  runs: readonly PreparedRun[],
  options: RunOptions,
  events: readonly RunEvents[],
): Promise<FinishedRun>[] {
  const read = Promise.all(runs.map((run) => readRunInputs(run.spec)));
  const results = read.then((inputs) =>
    engine.generateTogether(
      runs.map((run, i) => ({ request: { spec: run.spec, options, images: inputs[i]?.images }, ...events[i] })),
    ),
  );
  return runs.map(async (run, i) => {
    const [inputs, answers] = await Promise.all([read, results]);
    return finished(run, await answers[i], inputs[i]?.files);
  });
}

/** The run with its records, and its PNGs carrying them. */
function finished(run: PreparedRun, result: GenerateResult, files: Parameters<typeof buildRunRecords>[2]): FinishedRun {
  const records = buildRunRecords(run.createdAt, result.info, files);
  // Exact-size plain copies: a Node Buffer (possibly a slice of its pool) does not cross to a webview as binary.
  const images = result.images.map((image, i) => ({
    ...image,
    png: new Uint8Array(withPngText(image.png, pngTextChunks(records[i]))),
  }));
  return { ...run, info: result.info, records, images, tensors: result.tensors };
}
