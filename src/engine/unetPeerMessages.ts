// What the engine thread and a UNet peer's worker (unetWorker.ts) exchange.
import type { Feed, Output, SessionSettings } from './onnxModel';

/** Opens the peer's session: the graph at `path` on cpu, with the engine's own UNet settings. */
export interface OpenPeer {
  type: 'open';
  path: string;
  label: string;
  settings: SessionSettings;
}

export interface RunPeer {
  type: 'run';
  id: number;
  feeds: Record<string, Feed>;
}

export type ToPeer = OpenPeer | RunPeer | { type: 'close' };

export type FromPeer =
  | { type: 'opened' }
  | { type: 'failed'; message: string }
  | { type: 'output'; id: number; output: Record<string, Output> }
  | { type: 'error'; id: number; message: string };
