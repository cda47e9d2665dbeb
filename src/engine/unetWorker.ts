// Worker thread that holds a UNet peer's session (unetPeer.ts) and runs the row groups it is sent.
import { parentPort } from 'node:worker_threads';
import { OnnxModel, type Output } from './onnxModel';
import type { FromPeer, ToPeer } from './unetPeerMessages';

const port = parentPort!;
let model: OnnxModel | undefined;

const post = (m: FromPeer, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** The outputs' buffers, handed over rather than copied where each array owns its buffer. */
function owned(output: Record<string, Output>): ArrayBuffer[] {
  return Object.values(output).flatMap(({ data }) =>
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer as ArrayBuffer] : [],
  );
}

port.on('message', (m: ToPeer) => {
  if (m.type === 'open') {
    OnnxModel.create(m.path, m.label, 'cpu', m.settings).then(
      (opened) => {
        model = opened;
        post({ type: 'opened' });
      },
      (err: Error) => post({ type: 'failed', message: err.message }),
    );
  } else if (m.type === 'run') {
    model!.run(m.feeds).then(
      (output) => post({ type: 'output', id: m.id, output }, owned(output)),
      (err: Error) => post({ type: 'error', id: m.id, message: err.message }),
    );
  } else {
    void (model?.release() ?? Promise.resolve()).finally(() => port.close());
  }
});
