// The forward view's latent-space pictures come from the host (the model's encoder and decoder run in
// the engine), one request at a time: while one is out, only the newest wanted state waits, so a
// dragged slider asks for where it is now, not for every position it passed.
import type { ForwardToHost, HostToForward, NoiseWeights } from '../../src/protocol/forward';

type Frames = Extract<HostToForward, { type: 'latentFrames' }>;
type Failed = Extract<HostToForward, { type: 'latentFailed' }>;

export class LatentRequests {
  private next = 1;
  private inFlight: number | undefined;
  private waiting: { seed: number; levels: NoiseWeights[] } | undefined;

  constructor(
    private readonly post: (message: ForwardToHost) => void,
    private readonly show: (answer: Frames | Failed) => void,
  ) {}

  want(seed: number, levels: NoiseWeights[]): void {
    this.waiting = { seed, levels };
    if (this.inFlight === undefined) this.send();
  }

  /** An answer from the host; a stale one (superseded while out) is still shown, then the newest asked. */
  answered(answer: Frames | Failed): void {
    if (answer.request !== this.inFlight) return;
    this.inFlight = undefined;
    this.show(answer);
    if (this.waiting) this.send();
  }

  /** Whether an answer is still to come. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  private send(): void {
    const { seed, levels } = this.waiting!;
    this.waiting = undefined;
    this.inFlight = this.next++;
    this.post({ type: 'latent', request: this.inFlight, seed, levels });
  }
}
