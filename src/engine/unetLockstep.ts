// Runs that go together (a sweep's cells of one model that differ by sampler, seed or guidance: ToEngine's
// generateTogether) make their UNet calls as one: each run's loop waits at its call until every run still
// going has made its own, then one call takes all their rows, each at its own timestep. On the CPU a row's
// output does not depend on the rows beside it (onnxruntime's kernels loop over the batch), so a run's images
// are those it makes alone; the gain is the larger call: the default model's UNet takes 0.71 ms a row in a
// call of 32 rows against 0.77 in calls of 8 (bench/unetPeer.bench.ts). Rows that repeat another bit for bit
// (runs that start alike: repeatedRows.ts) are computed once.
import type { Tensor } from '../core/tensor/tensor';
import type { ModelSessions } from './modelSessions';
import type { AddedConditions } from './addedConditions';
import { runUnet } from './runUnet';
import { SMALL_MODEL_BYTES } from './onnxModel';
import { distinctRows, firstCopies, spreadRows } from './repeatedRows';

/** runUnet's signature: what a run's loop calls for the UNet (RunControl.unet). */
export type UnetCall = typeof runUnet;

interface Waiting {
  args: Parameters<UnetCall>;
  resolve: (out: Float32Array) => void;
  reject: (err: unknown) => void;
}

/** One run's part: its UNet calls, and its leaving once it makes no more (a second leave does nothing). */
export interface Lane {
  call: UnetCall;
  leave: () => void;
}

export class UnetLockstep {
  private waiting: Waiting[] = [];
  private runs = 0;
  private readonly feeds = new JoinedFeeds();

  /** A run's lane; every run that goes together takes its lane before the first of them calls the UNet. */
  lane(): Lane {
    this.runs++;
    let left = false;
    const call: UnetCall = (...args) =>
      new Promise((resolve, reject) => {
        this.waiting.push({ args, resolve, reject });
        this.fireWhenAllWait();
      });
    const leave = () => {
      if (left) return;
      left = true;
      this.runs--;
      this.fireWhenAllWait();
    };
    return { call, leave };
  }

  private fireWhenAllWait(): void {
    if (this.waiting.length === 0 || this.waiting.length < this.runs) return;
    const calls = this.waiting;
    this.waiting = [];
    void (joinable(calls) ? runJoined(calls, this.feeds) : runEach(calls));
  }
}

/** Whether joining runs' calls pays on these sessions: a small UNet on the CPU, whose rows run in groups on the
 * two cores (modelSessions.ts unetRowsPerCall), so a larger call costs less a row. A large UNet there runs a
 * row at a time, and another provider a batch in one call: runs then go one after another, each answered as
 * it ends (a slow model's sweep keeps showing cells as they finish). */
export function joinsCalls(s: ModelSessions): boolean {
  return s.provider === 'cpu' && s.unet.bytes < SMALL_MODEL_BYTES;
}

/** One call for all rows, its output handed back in each run's share. */
async function runJoined(calls: Waiting[], feeds: JoinedFeeds): Promise<void> {
  const [s] = calls[0].args;
  try {
    const rows = feeds.of(calls);
    const first = firstCopies(rows);
    const call = first ? distinctRows(rows, first) : rows;
    const out = await runUnet(s, call.input, call.t, call.hidden, call.added, rows.output);
    const joined = first ? spreadRows(out, first, rows.output) : out;
    const rowSize = joined.length / rows.t.length;
    let row = 0;
    for (const { args, resolve } of calls) {
      const share = joined.subarray(row * rowSize, (row += args[1].shape[0]) * rowSize);
      const into = args[5];
      if (into?.length === share.length) into.set(share);
      resolve(into?.length === share.length ? into : share.slice());
    }
  } catch (err) {
    for (const c of calls) c.reject(err);
  }
}

/** A joined call's feeds, kept from step to step so that a step allocates nothing: the rows and timesteps
 * are written into the same arrays, the output lands in one, and the hidden states and added inputs (each
 * run's same tensors at every step) are stacked again only when other tensors come. */
class JoinedFeeds {
  private input: Float32Array = new Float32Array(0);
  private timesteps: Float32Array = new Float32Array(0);
  private output: Float32Array = new Float32Array(0);
  private readonly kept = new Map<string, { parts: Tensor[]; tensor: Tensor<Float32Array> }>();

  of(calls: Waiting[]) {
    const args = calls.map((c) => c.args);
    const rows = args.reduce((n, a) => n + a[1].shape[0], 0);
    if (this.timesteps.length !== rows) this.timesteps = new Float32Array(rows);
    let row = 0;
    for (const a of args) this.timesteps.fill(a[2] as number, row, (row += a[1].shape[0]));
    const input = stacked(
      args.map((a) => a[1]),
      this.input,
    );
    this.input = input.data;
    const [s, , , firstHidden, firstAdded] = args[0];
    const hidden =
      firstHidden &&
      this.once(
        'hidden',
        args.map((a) => a[3]!),
      );
    const added: AddedConditions = {};
    for (const k of Object.keys(firstAdded))
      added[k] = this.once(
        `added ${k}`,
        args.map((a) => a[4][k]),
      );
    // The output has the latents' channels (an inpainting UNet takes more in).
    const outLength = rows * s.unetLatentChannels * input.shape.slice(2).reduce((a, b) => a * b, 1);
    if (this.output.length !== outLength) this.output = new Float32Array(outLength);
    return { input, t: this.timesteps, hidden, added, output: this.output };
  }

  /** The stacked tensor of `parts`, made again only when they are not the tensors stacked last time. */
  private once(key: string, parts: Tensor[]): Tensor<Float32Array> {
    const last = this.kept.get(key);
    if (last?.parts.length === parts.length && last.parts.every((p, i) => p === parts[i])) return last.tensor;
    const tensor = stacked(parts, new Float32Array(0));
    this.kept.set(key, { parts, tensor });
    return tensor;
  }
}

/** Calls that cannot be joined, one after another, as their runs would make them alone. */
async function runEach(calls: Waiting[]): Promise<void> {
  for (const { args, resolve, reject } of calls) await runUnet(...args).then(resolve, reject);
}

/** Whether one call can take these calls' rows: the same sessions and row shapes, all guided or all not, the
 * same added inputs, scalar timesteps (each run's own) that the UNet takes one per row unless all agree, and
 * a UNet whose rows run in groups of a bounded size (on the CPU: a large UNet a row at a time), so the joined
 * call needs no more memory than each run's own; elsewhere a provider runs a batch in one call. */
function joinable(calls: Waiting[]): boolean {
  const [s, input, t, hidden, added] = calls[0].args;
  const sameRows = (a: Tensor | undefined, b: Tensor | undefined) =>
    a === undefined ? b === undefined : b !== undefined && a.shape.slice(1).join() === b.shape.slice(1).join();
  const keys = Object.keys(added).sort().join();
  return (
    s.unetRowsPerCall !== undefined &&
    (perRowTimestep(s) || calls.every((c) => c.args[2] === t)) &&
    calls.every(({ args: [cs, ci, ct, ch, ca] }) => {
      const sameAdded =
        Object.keys(ca).sort().join() === keys && Object.keys(ca).every((k) => sameRows(ca[k], added[k]));
      return cs === s && typeof ct === 'number' && sameRows(ci, input) && sameRows(ch, hidden) && sameAdded;
    })
  );
}

/** A timestep input of one value per batch row (not rank 0 or [1], as Optimum's and old exports have it). */
function perRowTimestep(s: ModelSessions): boolean {
  const { shape } = s.unet.input('timestep');
  return shape.length === 1 && shape[0] !== 1;
}

/** The tensors' rows one after another, in `reuse` where it has the length. */
function stacked(tensors: Tensor[], reuse: Float32Array): Tensor<Float32Array> {
  const length = tensors.reduce((n, t) => n + t.data.length, 0);
  const data = reuse.length === length ? reuse : new Float32Array(length);
  let at = 0;
  for (const t of tensors) {
    data.set(t.data, at);
    at += t.data.length;
  }
  return { data, shape: [tensors.reduce((n, t) => n + t.shape[0], 0), ...tensors[0].shape.slice(1)] };
}
