// A second session of a small UNet, in a worker thread, for CPU runs. onnxruntime-node runs a session on
// the calling thread, and a small UNet's ops are too short for two intra-op threads to share well (the
// default model's guided call: 4.1 ms on two threads, 2.7 ms as two one-thread calls side by side), so a
// batch's rows go in two groups (runUnet.ts) and, once the peer is open, the engine thread runs one group
// while the peer runs the other. The groups are the same whether or not the peer is open, so its readiness
// never changes a result.
import type { Worker } from 'node:worker_threads';
import { startEngineWorker } from './engineWorker';
import type { Feed, Output, SessionSettings } from './onnxModel';
import type { FromPeer, ToPeer } from './unetPeerMessages';

/** Where the engine's notes go that do not stop a run (the engine sends them to its client's log). */
export type EngineLog = (level: 'info' | 'warn', message: string) => void;

interface Waiting {
  resolve: (output: Record<string, Output>) => void;
  reject: (error: Error) => void;
}

export class UnetPeer {
  private state: 'opening' | 'open' | 'ended' = 'opening';
  /** Settles once the peer's session is open (true) or could not open (false). */
  readonly opened: Promise<boolean>;
  private settle: (open: boolean) => void = () => {};
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly exited: Promise<void>;

  /** Starts the worker, which loads while the engine opens its own sessions; `log` hears when the peer
   * opens, and why it could not. */
  constructor(
    private readonly label: string,
    log: EngineLog,
    private readonly worker: Worker = startEngineWorker('unetWorker'),
  ) {
    worker.on('message', (m: FromPeer) => this.receive(m, log));
    worker.on('error', (err) => {
      log('warn', `${label}: runs on one thread, its peer thread failed: ${err.message}`);
      this.end(err);
    });
    this.opened = new Promise((resolve) => (this.settle = resolve));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    void this.exited.then(() => this.end(new Error(`${label}: its peer thread exited`)));
  }

  /** Opens the UNet at `path` in the worker with the engine's own session's `settings`: after that session,
   * whose optimized graph it then finds in the settings' graphCacheDir. */
  open(path: string, settings: SessionSettings): void {
    this.post({ type: 'open', path, label: this.label, settings });
  }

  /** Whether run() may be called: the peer's session is open and its thread alive. */
  get ready(): boolean {
    return this.state === 'open';
  }

  run(feeds: Record<string, Feed>): Promise<Record<string, Output>> {
    const id = this.nextId++;
    // Each feed's values alone, handed over: a view's whole buffer would otherwise be cloned.
    const own = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, { data: new Float32Array(f.data), dims: f.dims }]),
    );
    this.post(
      { type: 'run', id, feeds: own },
      Object.values(own).map((f) => f.data.buffer),
    );
    const output = new Promise<Record<string, Output>>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.holdProcess();
    return output;
  }

  /** Closes the session and ends the worker, the process kept alive until it has. */
  async release(): Promise<void> {
    this.state = 'ended';
    this.worker.ref();
    this.post({ type: 'close' });
    await this.exited;
  }

  private post(m: ToPeer, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private receive(m: FromPeer, log: EngineLog): void {
    if (m.type === 'opened') {
      log('info', `${this.label}: its peer session is open (row groups run side by side)`);
      this.state = 'open';
      this.settle(true);
    } else if (m.type === 'failed') {
      log('warn', `${this.label}: runs on one thread, its peer could not open: ${m.message}`);
      this.state = 'ended';
      this.settle(false);
    } else {
      const waiting = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.type === 'output') waiting?.resolve(m.output);
      else waiting?.reject(new Error(m.message));
    }
    this.holdProcess();
  }

  /** The worker keeps the process alive only while it opens or a run waits for it, so that a process that
   * waits for one (a test) gets its answer, and an idle peer never keeps a process from ending. */
  private holdProcess(): void {
    if (this.waiting.size > 0 || this.state === 'opening') this.worker.ref();
    else this.worker.unref();
  }

  /** No more runs: those waiting fail with `error`. */
  private end(error: Error): void {
    this.state = 'ended';
    this.settle(false);
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}
