// Host-side handle on the engine process. Starts dist/engine.js with the host's own executable
// (Electron or Node) in Node mode, sends requests as they come (the engine runs them one at a time, in
// order, so it never waits for the host between two), streams step events, and turns a dead process into
// ENGINE_EXITED errors for the request it was running; the requests queued behind it go to a fresh process.
import { fork, type ChildProcess } from 'node:child_process';
import type {
  EngineErrorCode,
  EngineErrorPayload,
  ForwardLatentRequest,
  ForwardLatentResult,
  FromEngine,
  GenerateRequest,
  GenerateResult,
  StepEvent,
  ToEngine,
} from '../protocol/engine';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly file?: string;
  readonly step?: number;
  readonly field?: EngineErrorPayload['field'];
  constructor(payload: EngineErrorPayload) {
    super(payload.message);
    this.name = 'EngineError';
    this.code = payload.code;
    this.file = payload.file;
    this.step = payload.step;
    this.field = payload.field;
  }
}

export interface EngineClientOptions {
  /** Path of the bundled engine entry (dist/engine.js). */
  enginePath: string;
  /** Node flags for the engine process, e.g. ['--import', 'tsx'] to run src/engine/engineMain.ts. */
  execArgv?: string[];
  /** Receives the engine's log lines and stderr. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Stop the engine process (and free the model it holds) after this long without a request;
   * 0 or absent: keep it until disposed. Read on every request, so a setting change applies next time. */
  idleMs?: () => number;
  /** Extra environment for the engine process (e.g. DIFFUSION_LAB_ORT_CACHE, its graph cache folder). */
  env?: Record<string, string>;
}

export interface GenerateOptions {
  onStep?: (event: StepEvent) => void;
  signal?: AbortSignal;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onStep?: (event: StepEvent) => void;
  /** The process serving it: only its death fails the request. */
  child: ChildProcess;
  /** Sent again to a fresh process when the one it waited in dies running another request. */
  message: ToEngine;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  /** Requests sent and not yet answered, oldest first: the first of each process is the one it runs. */
  private readonly pending = new Map<number, Pending>();
  private readonly exitListeners = new Set<(info: { code: number | null; signal: string | null }) => void>();
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** Runs a text-to-image (or unconditional) request after those made before it. Aborting the signal
   * cancels it between steps, or at once while it still waits behind another. */
  generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    return this.generateTogether([{ request, ...options }])[0];
  }

  /** Runs requests side by side, after those made before them, their UNet calls made as one where they can
   * be (engine/unetLockstep.ts): a sweep's cells of one model that differ by sampler. Each promise settles as
   * `generate`'s would; a member's abort cancels that member only. */
  generateTogether(members: (GenerateOptions & { request: GenerateRequest })[]): Promise<GenerateResult>[] {
    // A member aborted already gets no id and is not sent.
    const ids = members.map((m) => (m.signal?.aborted ? undefined : this.nextId++));
    const live = members.flatMap((m, i) => (ids[i] === undefined ? [] : [{ ...m, id: ids[i] }]));
    const sent = live.map(({ id, request, onStep }) => ({ id, request, steps: !!onStep }));
    const message: ToEngine =
      sent.length === 1 ? { type: 'generate', ...sent[0] } : { type: 'generateTogether', members: sent };
    const answers = sent.length ? this.requests<GenerateResult>(message, live) : new Map<number, never>();
    return members.map((m, i) => {
      const id = ids[i];
      return id === undefined ? Promise.reject(cancelled()) : this.cancellable(id, answers.get(id)!, m.signal);
    });
  }

  /** `done`, rejected as cancelled when `signal` aborts while the request waits behind another; the engine is
   * told, and stops it between steps if it runs. */
  private cancellable<T>(id: number, done: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return done;
    const onAbort = () => {
      const p = this.pending.get(id);
      if (!p?.child.connected) return;
      p.child.send({ type: 'cancel', id } satisfies ToEngine);
      // Still queued in the engine, which will skip it: nothing to wait for.
      if (!this.running(p)) this.settle(id)?.reject(cancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return done.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** The forward process of an image in a model's latent space (the forward view), after the requests
   * made before it. */
  forwardLatent(request: ForwardLatentRequest): Promise<ForwardLatentResult> {
    const id = this.nextId++;
    return this.request<ForwardLatentResult>(id, { type: 'forwardLatent', id, request });
  }

  /** Drops the cached sessions of a model folder, freeing their memory in the engine process. */
  async unload(modelDir: string): Promise<void> {
    if (!this.child?.connected) return;
    const id = this.nextId++;
    await this.request(id, { type: 'unload', id, modelDir });
  }

  /** Starts the engine process now rather than at the first request, so that its start-up (Node,
   * onnxruntime) overlaps the caller's own work; a no-op while one runs. */
  warmUp(): void {
    if (!this.disposed && !this.child?.connected) this.start();
  }

  /** Stops the engine process; pending requests reject with ENGINE_EXITED. */
  dispose(): void {
    this.disposed = true;
    this.child?.kill();
  }

  /** Called whenever the engine process exits (crash, kill or dispose). */
  onDidExit(listener: (info: { code: number | null; signal: string | null }) => void): { dispose(): void } {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  /** The engine's process id while it runs (tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private request<T>(id: number, message: ToEngine): Promise<T> {
    return this.requests<T>(message, [{ id }]).get(id)!;
  }

  /** Sends `message`, which asks for answers to `ids`, and waits for them. */
  private requests<T>(
    message: ToEngine,
    ids: { id: number; onStep?: (e: StepEvent) => void }[],
  ): Map<number, Promise<T>> {
    if (this.disposed) {
      const gone = () =>
        Promise.reject(new EngineError({ code: 'ENGINE_EXITED', message: 'the engine client was disposed' }));
      return new Map(ids.map(({ id }) => [id, gone()]));
    }
    clearTimeout(this.idleTimer);
    const child = this.send(message);
    return new Map(
      ids.map(({ id, onStep }) => [
        id,
        new Promise<T>((resolve, reject) => {
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onStep, child, message });
        }),
      ]),
    );
  }

  /** Whether the engine is running `p` now: it runs its messages one at a time, oldest first (a
   * generateTogether message's members all at once). */
  private running(p: Pending): boolean {
    for (const q of this.pending.values()) if (q.child === p.child) return q.message === p.message;
    return false;
  }

  /** Sends to the running engine, starting one when there is none or it is going away. */
  private send(message: ToEngine): ChildProcess {
    const child = this.child?.connected ? this.child : this.start();
    child.send(message);
    return child;
  }

  private start(): ChildProcess {
    const log = this.options.log ?? (() => undefined);
    const child = fork(this.options.enginePath, [], {
      execPath: process.execPath,
      execArgv: this.options.execArgv ?? [],
      env: engineEnv({ ...process.env, ...this.options.env }),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => log('info', s.trimEnd()));
    let stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderrTail = (stderrTail + s).slice(-4000);
      log('warn', s.trimEnd());
    });
    child.on('message', (m: FromEngine) => this.receive(m));
    child.on('error', (err) => {
      log('error', `engine process: ${err.message}`);
      // A process that never started emits no 'exit': fail its requests here.
      if (child.pid === undefined) this.failPending(child, `the engine process could not start: ${err.message}`);
    });
    // 'close' rather than 'exit': it comes after stderr is fully read.
    child.on('close', (code, signal) => {
      // SIGKILL from outside is most often the system's out-of-memory killer.
      const message = signal
        ? `the engine process was killed (${signal}${signal === 'SIGKILL' ? '; out of memory?' : ''})`
        : `the engine process exited with code ${code}${lastError(stderrTail)}`;
      if (!this.disposed && (code !== 0 || signal)) log('error', message);
      this.failPending(child, message);
      for (const l of this.exitListeners) l({ code, signal });
    });
    return child;
  }

  /** Fails the requests the dead process was running (all of them once disposed) and sends the ones queued
   * behind them to a fresh process, each message once. */
  private failPending(child: ChildProcess, message: string): void {
    if (this.child === child) this.child = undefined;
    let runningMessage: ToEngine | undefined;
    const resent = new Map<ToEngine, ChildProcess>();
    for (const [id, p] of this.pending) {
      if (p.child !== child) continue;
      this.pending.delete(id);
      runningMessage ??= p.message;
      if (p.message === runningMessage || this.disposed) p.reject(new EngineError({ code: 'ENGINE_EXITED', message }));
      else {
        // Last in the map, as in the fresh process (a request made since may have reached it first).
        if (!resent.has(p.message)) resent.set(p.message, this.send(p.message));
        p.child = resent.get(p.message)!;
        this.pending.set(id, p);
      }
    }
  }

  private receive(m: FromEngine): void {
    switch (m.type) {
      case 'ready':
        return;
      case 'log':
        this.options.log?.(m.level, m.message);
        return;
      case 'step':
        try {
          this.pending.get(m.id)?.onStep?.(m.event);
        } catch (err) {
          // A listener's bug must not become an uncaught exception in the host.
          this.options.log?.('error', `step listener failed: ${(err as Error).message}`);
        }
        return;
      case 'result':
      case 'forwardLatentResult':
        this.settle(m.id)?.resolve(m.result);
        return;
      case 'unloaded':
        this.settle(m.id)?.resolve(undefined);
        return;
      case 'error':
        this.settle(m.id)?.reject(new EngineError(m.error));
        return;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.armIdleStop();
    return p;
  }

  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** After the last request, a timer that stops the process once it has been idle long enough. */
  private armIdleStop(): void {
    clearTimeout(this.idleTimer);
    const ms = this.options.idleMs?.() ?? 0;
    if (ms <= 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || !this.child?.connected) return;
      this.options.log?.(
        'info',
        `stopping the engine process after ${Math.round(ms / 1000)} s idle; the next request starts a fresh one`,
      );
      this.child.send({ type: 'shutdown' } satisfies ToEngine);
    }, ms);
    // An idle timer alone must not keep a CLI process alive.
    this.idleTimer.unref();
  }
}

/** The engine's environment: the host's, in Node mode, without NODE_EXTRA_CA_CERTS. The engine opens no TLS
 * connection, and Node 20 parses those certificates at every start: about 40 ms on top of a 20 ms start for
 * Debian's 220 kB ca-certificates.crt. */
function engineEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return { ...rest, ELECTRON_RUN_AS_NODE: '1' };
}

function cancelled(): EngineError {
  return new EngineError({ code: 'CANCELLED', message: 'the run was cancelled' });
}

/** The last error line the process printed, as ": <line>", or ''. */
function lastError(stderr: string): string {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => /error/i.test(l));
  return line ? `: ${line.trim()}` : '';
}
