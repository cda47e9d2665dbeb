// Cancel, queueing and sending ahead, unloading, a killed engine process, warm-up and the engine's environment.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import type { FromEngine, GenerateRequest, ToEngine } from '../../../src/protocol/engine';
import { EngineClient, type EngineError } from '../../../src/runs/engineClient';
import { engineEntry } from '../../../src/runs/enginePaths';
import { model, request, startEngine } from '../engine/fixtures';

const engine = startEngine();
after(() => engine.dispose());

test('cancel stops a run between steps, and the engine goes on serving', async () => {
  const abort = new AbortController();
  const steps: number[] = [];
  const run = engine.generate(request({ steps: 900 }), {
    signal: abort.signal,
    onStep: (e) => {
      steps.push(e.step);
      if (e.step === 2) abort.abort();
    },
  });
  await assert.rejects(run, (e: EngineError) => e.code === 'CANCELLED');
  assert.ok(steps.length < 900, `stopped after ${steps.length} steps`);
  const next = await engine.generate(request());
  assert.equal(next.images.length, 1);
});

test('a request cancelled while queued never starts', async () => {
  const abort = new AbortController();
  const first = engine.generate(request({ steps: 10 }));
  let started = false;
  const second = engine.generate(request(), { signal: abort.signal, onStep: () => (started = true) });
  let firstDone = false;
  void first.then(() => (firstDone = true));
  abort.abort();
  await assert.rejects(second, (e: EngineError) => e.code === 'CANCELLED');
  assert.equal(firstDone, false, 'rejected at once, while the first request still runs');
  await first;
  assert.equal(started, false);
});

test('concurrent requests finish in the order they were made', async () => {
  const order: number[] = [];
  await Promise.all(
    [0, 1, 2].map((i) => engine.generate(request({ seed: i, steps: 3 + (2 - i) * 4 })).then(() => order.push(i))),
  );
  assert.deepEqual(order, [0, 1, 2]);
});

test('a killed engine process fails the run with ENGINE_EXITED and the next run starts a fresh one', async () => {
  let exits = 0;
  const sub = engine.onDidExit(() => exits++);
  const run = engine.generate(request({ steps: 900 }), {
    onStep: (e) => {
      if (e.step === 1) process.kill(engine.pid!, 'SIGKILL');
    },
  });
  await assert.rejects(run, (e: EngineError) => e.code === 'ENGINE_EXITED' && /SIGKILL/.test(e.message));
  assert.equal(exits, 1);
  const before = engine.pid;
  const next = await engine.generate(request());
  assert.equal(next.images.length, 1);
  assert.notEqual(engine.pid, before);
  sub.dispose();
});

test('unload frees a loaded model and a later run loads it again', async () => {
  await engine.generate(request({ modelDir: model('tiny-sd-int64t') }));
  const cached = await engine.generate(request({ modelDir: model('tiny-sd-int64t') }));
  assert.equal(cached.info.timings.loadMs, 0);
  await engine.unload(model('tiny-sd-int64t'));
  const reloaded = await engine.generate(request({ modelDir: model('tiny-sd-int64t') }));
  assert.ok(reloaded.info.timings.loadMs > 0);
});

test('an engine that cannot start fails the request with its own error', async () => {
  const broken = new EngineClient({ enginePath: '/nonexistent/engine.js' });
  await assert.rejects(
    broken.generate(request()),
    (e: EngineError) => e.code === 'ENGINE_EXITED' && /Cannot find module '\/nonexistent\/engine\.js'/.test(e.message),
  );
  broken.dispose();
});

test('an idle engine stops after the idle time, freeing its process, and the next run starts a fresh one', async () => {
  const idle = new EngineClient({ ...engineEntry(), idleMs: () => 300 });
  try {
    await idle.generate(request());
    const first = idle.pid;
    const exited = new Promise<{ code: number | null }>((resolve) => idle.onDidExit(resolve));
    const { code } = await exited;
    assert.equal(code, 0, 'a clean shutdown, not a crash');
    assert.equal(idle.pid, undefined);
    await idle.generate(request());
    assert.ok(idle.pid !== undefined && idle.pid !== first, 'a fresh process served the next run');
  } finally {
    idle.dispose();
  }
});

/** A stand-in engine that answers every request with an error naming its pid and NODE_EXTRA_CA_CERTS. */
function echoEngine(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dl-echo-engine-')), 'engine.js');
  writeFileSync(
    path,
    `process.on('message', (m) => process.send({ type: 'error', id: m.id, error: { code: 'BAD_REQUEST',
      message: JSON.stringify([process.pid, process.env.NODE_EXTRA_CA_CERTS, process.env.ELECTRON_RUN_AS_NODE]) } }));`,
  );
  return path;
}

/** A stand-in engine written to `path` from `body`, the handler of each message `m`. */
function standIn(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dl-stand-in-engine-')), 'engine.js');
  writeFileSync(path, `process.on('message', (m) => { ${body} });`);
  return path;
}

test('a request reaches the engine while the one before it still runs, so the engine never waits between them', async () => {
  // Answers nothing until the second request has arrived: a client that waits for the first answer hangs.
  const enginePath = standIn(`
    (globalThis.seen ??= []).push(m.id);
    if (globalThis.seen.length === 2)
      for (const id of globalThis.seen) process.send({ type: 'error', id, error: { code: 'BAD_REQUEST', message: String(id) } });`);
  const client = new EngineClient({ enginePath });
  try {
    const [first, second] = await Promise.allSettled([client.generate(request()), client.generate(request())]);
    assert.deepEqual(
      [first, second].map((r) => r.status === 'rejected' && (r.reason as EngineError).message),
      ['1', '2'],
    );
  } finally {
    client.dispose();
  }
});

test('when the engine dies running a request, the one queued behind it runs in a fresh process', async () => {
  // Dies on its first request; a second process answers.
  const enginePath = standIn(`
    if (m.id === 1) process.exit(3);
    process.send({ type: 'error', id: m.id, error: { code: 'BAD_REQUEST', message: String(process.pid) } });`);
  const client = new EngineClient({ enginePath });
  try {
    const first = client.generate(request());
    const firstPid = client.pid;
    const second = client.generate(request());
    await assert.rejects(first, (e: EngineError) => e.code === 'ENGINE_EXITED' && /code 3/.test(e.message));
    await assert.rejects(second, (e: EngineError) => e.code === 'BAD_REQUEST' && Number(e.message) !== firstPid);
  } finally {
    client.dispose();
  }
});

test('requests made together go in one message, and each is answered as a request made alone', async () => {
  // Answers each member of a generateTogether message with the number of members it came with.
  const enginePath = standIn(`
    for (const g of m.type === 'generateTogether' ? m.members : [m])
      process.send({ type: 'error', id: g.id, error: { code: 'BAD_REQUEST', message: m.type + ' ' + (m.members?.length ?? 1) } });`);
  const client = new EngineClient({ enginePath });
  try {
    const aborted = AbortSignal.abort();
    const answers = await Promise.allSettled([
      ...client.generateTogether([
        { request: request() },
        { request: request(), signal: aborted },
        { request: request() },
        { request: request() },
      ]),
      client.generate(request()),
    ]);
    // The member aborted before it was sent is cancelled here and left out of the message.
    assert.deepEqual(
      answers.map((r) => r.status === 'rejected' && (r.reason as EngineError).message),
      ['generateTogether 3', 'the run was cancelled', 'generateTogether 3', 'generateTogether 3', 'generate 1'],
    );
  } finally {
    client.dispose();
  }
});

test('when the engine dies running requests made together, they all fail and the one behind them runs once, afresh', async () => {
  // Dies on a generateTogether message; a second process answers each request with its pid, counting them.
  const enginePath = standIn(`
    if (m.type === 'generateTogether') process.exit(3);
    globalThis.n = (globalThis.n ?? 0) + 1;
    process.send({ type: 'error', id: m.id, error: { code: 'BAD_REQUEST', message: process.pid + ' ' + globalThis.n } });`);
  const client = new EngineClient({ enginePath });
  try {
    const together = client.generateTogether([{ request: request() }, { request: request() }]);
    const firstPid = client.pid;
    const behind = client.generate(request());
    for (const member of together) await assert.rejects(member, (e: EngineError) => e.code === 'ENGINE_EXITED');
    await assert.rejects(behind, (e: EngineError) => {
      const [pid, count] = e.message.split(' ').map(Number);
      return e.code === 'BAD_REQUEST' && pid !== firstPid && count === 1;
    });
  } finally {
    client.dispose();
  }
});

/** The engine itself, forked as EngineClient forks it, for tests that talk to it message by message. */
function forkedEngine() {
  const { enginePath, execArgv } = engineEntry();
  return fork(enginePath, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

test('the engine sends step events only to a client that listens, and the client asks for them only then', async () => {
  // The step messages the engine sends for each kind of request.
  const child = forkedEngine();
  try {
    const stepsSent = (id: number, steps: boolean) =>
      new Promise<number>((resolve, reject) => {
        let n = 0;
        const listen = (m: FromEngine) => {
          if (m.type === 'step' && m.id === id) n++;
          if (m.type === 'error' && m.id === id) reject(new Error(m.error.message));
          if (m.type !== 'result' || m.id !== id) return;
          child.off('message', listen);
          resolve(n);
        };
        child.on('message', listen);
        child.send({ type: 'generate', id, request: request({ steps: 3 }), steps } satisfies ToEngine);
      });
    assert.equal(await stepsSent(1, true), 3);
    assert.equal(await stepsSent(2, false), 0);
  } finally {
    child.kill();
  }
  // The client's side: a generate without onStep sends steps: false.
  const echoSteps = standIn(
    `process.send({ type: 'error', id: m.id, error: { code: 'BAD_REQUEST', message: String(m.steps) } });`,
  );
  const client = new EngineClient({ enginePath: echoSteps });
  try {
    await assert.rejects(client.generate(request()), (e: EngineError) => e.message === 'false');
    await assert.rejects(client.generate(request(), { onStep: () => {} }), (e: EngineError) => e.message === 'true');
  } finally {
    client.dispose();
  }
});

test('the engine answers each member of a malformed group and goes on serving the requests after it', async () => {
  // The engine itself, sent what no client sends: an empty group, a member without a spec, a member of a
  // folder that does not exist; then a plain request, which must still be answered.
  const child = forkedEngine();
  const answers = new Map<number, FromEngine>();
  child.on('message', (m: FromEngine) => 'id' in m && answers.set(m.id, m));
  try {
    const missing = { ...request(), spec: { ...request().spec, modelDir: '/no/such/model' } };
    child.send({ type: 'generateTogether', members: [] } satisfies ToEngine);
    child.send({
      type: 'generateTogether',
      members: [
        { id: 1, request: { options: {} } as unknown as GenerateRequest, steps: false },
        { id: 2, request: missing, steps: false },
      ],
    } satisfies ToEngine);
    child.send({ type: 'generate', id: 3, request: request({ steps: 2 }), steps: false } satisfies ToEngine);
    // A broken queue answers nothing more: the test then fails at its deadline rather than hanging.
    const deadline = Date.now() + 60_000;
    while (!answers.has(3) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      [1, 2, 3].map((id) => answers.get(id)?.type),
      ['error', 'error', 'result'],
    );
    const refused = answers.get(2);
    assert.match(refused?.type === 'error' ? refused.error.message : '', /\/no\/such\/model/);
  } finally {
    child.kill();
  }
});

test('warmUp starts the engine process before the first request, which it then serves', async () => {
  const client = new EngineClient({ enginePath: echoEngine() });
  try {
    client.warmUp();
    const pid = client.pid;
    assert.ok(pid !== undefined, 'started without a request');
    client.warmUp();
    assert.equal(client.pid, pid, 'a second warmUp keeps it');
    await assert.rejects(client.generate(request()), (e: EngineError) => JSON.parse(e.message)[0] === pid);
  } finally {
    client.dispose();
  }
});

test('the engine process runs in Node mode without NODE_EXTRA_CA_CERTS, which only slows its start', async () => {
  const client = new EngineClient({ enginePath: echoEngine(), env: { NODE_EXTRA_CA_CERTS: '/etc/certs.pem' } });
  try {
    await assert.rejects(client.generate(request()), (e: EngineError) => {
      const [, certs, nodeMode] = JSON.parse(e.message) as unknown[];
      return certs === null && nodeMode === '1'; // JSON writes an unset variable as null
    });
  } finally {
    client.dispose();
  }
});
