// Start-up marks for bench/coldStart.bench.ts, preloaded with NODE_OPTIONS="--require <this file>" so
// that the CLI and the engine process it forks (which inherits the environment) are both traced without
// code in the product. Each mark is one JSON line appended to $DL_TRACE_FILE: the process's role, the
// mark, its time since the epoch (ms, so both processes share a clock) and the process's CPU time so far.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const file = process.env.DL_TRACE_FILE;
// The engine is the process with an IPC channel (EngineClient forks it); the CLI is spawned without one.
const role = process.send ? 'engine' : 'cli';

function mark(name) {
  const used = process.cpuUsage();
  const line = { role, name, t: performance.timeOrigin + performance.now(), cpu: (used.user + used.system) / 1000 };
  fs.appendFileSync(file, JSON.stringify(line) + '\n');
}

// The process's start on the same clock (Node's own first mark), then the first line of user code.
const start = { role, name: 'node:nodeStart', t: performance.timeOrigin + performance.nodeTiming.nodeStart, cpu: 0 };
fs.appendFileSync(file, JSON.stringify(start) + '\n');
mark('preload');

// Loads of the bundles and of onnxruntime-node, and onnxruntime's session creations.
const traced = [/dist[\\/](cli|engine)\.js$/, /^onnxruntime-node$/];
const load = Module._load;
Module._load = function (request, ...rest) {
  const name = traced.some((r) => r.test(request)) ? request.replace(/^.*[\\/]/, '') : undefined;
  if (name) mark(`load ${name} start`);
  const exports = load.call(this, request, ...rest);
  if (name) mark(`load ${name} end`);
  if (name === 'onnxruntime-node') traceSessions(exports.InferenceSession);
  return exports;
};

function traceSessions(InferenceSession) {
  if (InferenceSession.create.traced) return;
  const create = InferenceSession.create;
  let n = 0;
  InferenceSession.create = async function (...args) {
    const k = ++n;
    mark(`session ${k} create start`);
    try {
      return await create.apply(this, args);
    } finally {
      mark(`session ${k} create end`);
    }
  };
  InferenceSession.create.traced = true;
}

// The engine's messages (ready, the first and last step, the result) and the CLI's sends and writes.
if (role === 'engine') {
  const send = process.send?.bind(process);
  let steps = 0;
  if (send) {
    process.send = (m, ...rest) => {
      if (m.type === 'step' && ++steps === 1) mark('first step sent');
      if (m.type !== 'step' && m.type !== 'log') mark(`${m.type} sent`);
      return send(m, ...rest);
    };
  }
  process.on('message', (m) => m.type === 'generate' && mark('generate received'));
} else {
  const childProcess = require('node:child_process');
  const fork = childProcess.fork;
  childProcess.fork = function (...args) {
    mark('fork');
    const child = fork.apply(this, args);
    child.on('message', (m) => m.type !== 'step' && m.type !== 'log' && mark(`${m.type} received`));
    const send = child.send.bind(child);
    child.send = (m, ...rest) => {
      if (m.type === 'generate') mark('generate sent');
      return send(m, ...rest);
    };
    return child;
  };
  const rename = fs.renameSync;
  fs.renameSync = function (...args) {
    const r = rename.apply(this, args);
    mark('png renamed into place');
    return r;
  };
  const link = fs.linkSync;
  fs.linkSync = function (...args) {
    const r = link.apply(this, args);
    mark('png linked into place');
    return r;
  };
}
process.on('exit', () => mark('exit'));
globalThis.__dlMark = mark;
