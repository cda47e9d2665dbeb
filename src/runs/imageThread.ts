// One worker thread decodes images for the host (imageWorker.ts): started when first needed, holding
// the process open only while it has work, and stopped after a while idle, which frees what decoding a
// large photo left in its heap.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RgbaPixels } from '../protocol/engine';
import type { ImageSize } from './imageHeader';

/** Decoded pixels; `original`: the decoded size, where they were downsized to fit. */
export type Decoded = RgbaPixels & { original?: ImageSize };

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  maxSide: number;
  fitSide?: number;
}

export type DecodeReply = { id: number; image: Decoded } | { id: number; error: string };

const IDLE_MS = 30_000;
const pending = new Map<number, { resolve: (image: Decoded) => void; reject: (error: Error) => void }>();
let worker: Worker | undefined;
let nextId = 0;
let idle: ReturnType<typeof setTimeout> | undefined;

/** The bytes decoded (and downsized to `fitSide`) on the worker; rejects with the decoder's message. */
export function decodeOnWorker(bytes: Uint8Array, maxSide: number, fitSide?: number): Promise<Decoded> {
  const thread = (worker ??= start());
  clearTimeout(idle);
  thread.ref();
  const id = nextId++;
  // A copy that owns its buffer (a Buffer's slice() would not copy), handed over rather than cloned.
  const copy = new Uint8Array(bytes);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    thread.postMessage({ id, bytes: copy, maxSide, fitSide } satisfies DecodeRequest, [copy.buffer]);
  });
}

function start(): Worker {
  // From source (tests), the .ts entry through tsx's require hook; bundled, dist/imageWorker.js.
  const thread = __filename.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'imageWorker.ts'))});`, { eval: true })
    : new Worker(join(__dirname, 'imageWorker.js'));
  thread.on('message', (reply: DecodeReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ('image' in reply) waiting?.resolve(reply.image);
    else waiting?.reject(new Error(reply.error));
    if (pending.size === 0) rest(thread);
  });
  // A worker that dies (out of memory, say) fails what it was doing; the next request starts another.
  thread.on('error', (error) => stopped(thread, error));
  thread.on('exit', (code) => stopped(thread, new Error(`the image decoder stopped (exit code ${code})`)));
  return thread;
}

function rest(thread: Worker): void {
  thread.unref();
  idle = setTimeout(() => {
    worker = undefined; // a request from now on starts another
    void thread.terminate();
  }, IDLE_MS).unref();
}

function stopped(thread: Worker, error: Error): void {
  if (worker !== thread) return;
  worker = undefined;
  for (const { reject } of pending.values()) reject(error);
  pending.clear();
}
