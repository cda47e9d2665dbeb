// The worker thread that decodes images for the host (imageThread.ts): each request's bytes come in
// whole, its pixels go back by transfer, and an error goes back as its message.
import { parentPort } from 'node:worker_threads';
import { downsize } from '../core/image/boxDownsize';
import { decodeAny } from './imageDecoders';
import type { DecodeReply, DecodeRequest } from './imageThread';

parentPort!.on('message', ({ id, bytes, maxSide, fitSide }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const full = decodeAny(bytes, maxSide);
    const fitted = fitSide ? downsize(full, fitSide) : full;
    // Transfer needs the pixels to own their whole buffer.
    const rgba = fitted.rgba.byteLength === fitted.rgba.buffer.byteLength ? fitted.rgba : new Uint8Array(fitted.rgba);
    const original = fitted === full ? {} : { original: { width: full.width, height: full.height } };
    reply = { id, image: { width: fitted.width, height: fitted.height, rgba, ...original } };
  } catch (error) {
    reply = { id, error: (error as Error).message };
  }
  parentPort!.postMessage(reply, 'image' in reply ? [reply.image.rgba.buffer as ArrayBuffer] : []);
});
