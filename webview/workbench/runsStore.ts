// The generate panel's runs as the host reported them: every run it knows, the one on view, the one
// in progress, and each run's captured steps and PNGs once they have arrived. One operation per host
// message (main.ts renders after each); no DOM here, so the store is tested under Node.
import type { RunDetail, RunSummary, StepFrame } from '../../src/protocol/workbench';

/** A run as the panel holds it; frames and PNGs are absent until the host has sent them. */
export interface RunView {
  readonly summary: RunSummary;
  readonly frames?: readonly StepFrame[];
  readonly pngs?: readonly Uint8Array[];
}

interface HeldRun {
  summary: RunSummary;
  frames?: StepFrame[];
  pngs?: Uint8Array[];
}

export class RunsStore {
  private readonly runs = new Map<string, HeldRun>();
  private activeId: string | undefined;
  private liveId: string | undefined;
  /** The run on view when the live one started: back on view if the live one fails. */
  private beforeLive: string | undefined;

  /** The run on view. */
  get activeRunId(): string | undefined {
    return this.activeId;
  }

  /** The run in progress. */
  get liveRunId(): string | undefined {
    return this.liveId;
  }

  get activeRun(): RunView | undefined {
    return this.activeId === undefined ? undefined : this.runs.get(this.activeId);
  }

  get(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }

  /** Every run, newest first. */
  list(): RunView[] {
    return [...this.runs.values()].sort((a, b) => b.summary.createdAt.localeCompare(a.summary.createdAt));
  }

  /** Puts a known run on view; false when the run is unknown (the view is unchanged). */
  open(runId: string): boolean {
    if (!this.runs.has(runId)) return false;
    this.activeId = runId;
    return true;
  }

  /** The host's stored runs; a run already held keeps its frames and PNGs. */
  snapshot(summaries: readonly RunSummary[]): void {
    for (const summary of summaries) this.runs.set(summary.id, { ...this.runs.get(summary.id), summary });
  }

  /** A run began: it is the live run and goes on view, with no steps yet. */
  runStarted(run: RunSummary): void {
    this.runs.set(run.id, { summary: run, frames: [], pngs: [] });
    this.beforeLive = this.activeId;
    this.liveId = this.activeId = run.id;
  }

  /** A step of a run; false when it was not kept (an unknown run, or one whose steps have not arrived). */
  step(runId: string, frame: StepFrame): boolean {
    const frames = this.runs.get(runId)?.frames;
    frames?.push(frame);
    return frames !== undefined;
  }

  /** A run ended. A finished run keeps its steps, takes its PNGs and goes on view; a failed or cancelled
   * one is dropped, as the host does not store it, and if it was on view the run on view before it comes
   * back (as A1111 keeps the last images beside an error), else nothing. */
  runFinished(run: RunSummary, pngs: readonly Uint8Array[]): void {
    if (this.liveId === run.id) this.liveId = undefined;
    if (run.status === 'done') {
      this.runs.set(run.id, { ...this.runs.get(run.id), summary: run, pngs: [...pngs] });
      this.activeId = run.id;
      return;
    }
    this.runs.delete(run.id);
    if (this.activeId !== run.id) return;
    this.activeId = this.beforeLive !== undefined && this.runs.has(this.beforeLive) ? this.beforeLive : undefined;
  }

  /** A stored run changed (e.g. its images were saved); ignored for an unknown run. */
  runUpdated(run: RunSummary): void {
    const held = this.runs.get(run.id);
    if (held) held.summary = run;
  }

  /** A run's steps and PNGs, asked for when it was opened. */
  runDetail({ run, frames, pngs }: RunDetail): void {
    this.runs.set(run.id, { summary: run, frames: [...frames], pngs: [...pngs] });
  }
}
