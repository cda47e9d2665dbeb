// The engine process (bundled to dist/engineMain.js, loaded by engineStart.ts, started by EngineClient). Runs
// one request at a time; session.run() blocks this process's thread, never the extension host's.
import type {
  ForwardLatentRequest,
  FromEngine,
  GenerateMember,
  GenerateRequest,
  StepEvent,
  ToEngine,
} from '../protocol/engine';
import { EngineFailure, toPayload } from './engineFailure';
import { forwardLatent } from './forwardLatent';
import { runPipeline } from './pipeline';
import { SessionCache } from './sessionCache';
import { joinsCalls, UnetLockstep, type Lane } from './unetLockstep';
import { graphCacheDir } from '../modelFolder/cacheFolder';

const cache = new SessionCache(graphCacheDir(), (level, message) => send({ type: 'log', level, message }));
const cancelled = new Set<number>();
let work: Promise<void> = Promise.resolve();

/** A model folder's sessions as the cache gives them. */
type Loaded = Awaited<ReturnType<SessionCache['get']>>;

let firstResult: (() => void) | undefined;

/** Runs `hook` once, just before the first image goes back (engineStart.ts saves its code cache then). */
export function beforeFirstResult(hook: () => void): void {
  firstResult = hook;
}

function send(message: FromEngine): void {
  if (message.type === 'result' && firstResult) {
    const hook = firstResult;
    firstResult = undefined;
    hook();
  }
  process.send?.(message);
}

/** Runs the members side by side, their UNet calls joined (unetLockstep.ts), where that pays: they share the
 * model folders (a refiner's too) and provider, and its UNet runs its rows in groups on the CPU. Otherwise one
 * after another, each answered as it ends. The first member's folder is loaded first, to know. */
async function generateTogether(members: GenerateMember[]): Promise<void> {
  if (!Array.isArray(members) || members.length === 0) return;
  const [first, ...rest] = members;
  const key = (r: GenerateRequest) => JSON.stringify([r?.spec?.modelDir, r?.spec?.refiner, r?.options?.provider]);
  let got: Loaded | undefined;
  try {
    got = await cache.get(first.request.spec.modelDir, first.request.options.provider);
  } catch {
    // A folder that cannot load (or a malformed request): each member reports it as it comes to it.
  }
  if (!got || !joinsCalls(got.sessions) || rest.some((m) => key(m.request) !== key(first.request))) {
    await generate(first.id, first.request, first.steps, undefined, got);
    for (const m of rest) await generate(m.id, m.request, m.steps);
    return;
  }
  const lockstep = new UnetLockstep();
  const lanes = members.map(() => lockstep.lane());
  await Promise.all(members.map((m, i) => generate(m.id, m.request, m.steps, lanes[i], i === 0 ? got : undefined)));
}

/** `lane`: its part among runs that go together, left when its UNet calls end or the run fails; `got`: its
 * model folder, when the caller loaded it. */
async function generate(
  id: number,
  request: GenerateRequest,
  steps: boolean,
  lane?: Lane,
  got?: Loaded,
): Promise<void> {
  try {
    if (cancelled.has(id)) throw new EngineFailure('CANCELLED', 'cancelled before it started');
    const { sessions, loaded } = got ?? (await cache.get(request.spec.modelDir, request.options.provider));
    if (loaded) {
      const fell = sessions.providerFallbacks.map((f) => `${f.provider} failed (${f.error})`).join('; ');
      send({
        type: 'log',
        level: 'info',
        message: `loaded ${sessions.folder.dir} on ${sessions.provider}${fell ? ` after: ${fell}` : ''}`,
      });
    }
    const control = {
      onStep: (event: StepEvent) => steps && send({ type: 'step', id, event }),
      cancelled: () => cancelled.has(id),
      unet: lane?.call,
      unetDone: lane?.leave,
    };
    // The cache keeps two folders: a base and its refiner stay loaded together.
    const refiner = request.spec.refiner && (await cache.get(request.spec.refiner, request.options.provider));
    const loadMs = (loaded ? sessions.loadMs : 0) + (refiner && refiner.loaded ? refiner.sessions.loadMs : 0);
    const result = await runPipeline(sessions, request, control, loadMs, refiner ? refiner.sessions : undefined);
    send({ type: 'result', id, result });
  } catch (err) {
    send({ type: 'error', id, error: toPayload(err) });
  } finally {
    cancelled.delete(id);
    lane?.leave();
  }
}

async function latent(id: number, request: ForwardLatentRequest): Promise<void> {
  try {
    const { sessions } = await cache.get(request.modelDir, request.provider);
    send({ type: 'forwardLatentResult', id, result: await forwardLatent(sessions, request) });
  } catch (err) {
    send({ type: 'error', id, error: toPayload(err) });
  }
}

/** Runs `job` after the work queued before it. A job that throws is logged and the queue goes on: a failure
 * must not leave every later request unanswered. */
function queue(job: () => Promise<void>): void {
  work = work.then(job).catch((err: unknown) => send({ type: 'log', level: 'error', message: String(err) }));
}

process.on('message', (m: ToEngine) => {
  switch (m.type) {
    case 'generate':
      queue(() => generate(m.id, m.request, m.steps));
      return;
    case 'generateTogether':
      queue(() => generateTogether(m.members));
      return;
    case 'forwardLatent':
      queue(() => latent(m.id, m.request));
      return;
    case 'cancel':
      cancelled.add(m.id);
      return;
    case 'unload':
      queue(async () => {
        try {
          send({ type: 'unloaded', id: m.id, freed: await cache.unload(m.modelDir) });
        } catch (err) {
          send({ type: 'error', id: m.id, error: toPayload(err) });
        }
      });
      return;
    case 'shutdown':
      process.exit(0);
  }
});
// The host went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
