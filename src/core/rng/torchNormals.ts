// torch.randn's fill of 16 or more float32 values (normal_fill) through torchNormals.wat: uniforms from
// the generator's mt19937 state, then Box–Muller on blocks of 16, two values a turn (a fill takes about
// 0.6 the JavaScript one's time: npm run bench rng). The state stays the generator's (Mt19937): it is
// copied in for the fill and back after, so the generator's other draws continue the same stream.
import type { Mt19937 } from './mt19937';
import { fitMemory, wasmModule, type WasmMemory } from '../wasmModule';
import { WASM_BASE64 } from './torchNormalsWasm';

interface Exports {
  memory: WasmMemory;
  uniforms(next: number, at: number, count: number): number;
  boxMuller(at: number, blocks: number): void;
}

/** The mt19937 state's place in the module's memory, and where values start. */
const STATE_WORDS = 624;
const VALUES_AT = 2560;

let kernel: Exports | undefined;

/** `out` (at least 16 values) filled as torch.randn fills a float32 tensor from `mt`, which advances. */
export function fillNormals(mt: Mt19937, out: Float32Array): void {
  const k = room(out.length);
  const n = out.length;
  new Uint32Array(k.memory.buffer, 0, STATE_WORDS).set(mt.state);
  let next = k.uniforms(mt.next, VALUES_AT, n);
  k.boxMuller(VALUES_AT, n >> 4);
  // A length that is not a multiple of 16: the last 16 are drawn again and transformed once more.
  if (n % 16 !== 0) {
    next = k.uniforms(next, VALUES_AT + (n - 16) * 4, 16);
    k.boxMuller(VALUES_AT + (n - 16) * 4, 1);
  }
  out.set(new Float32Array(k.memory.buffer, VALUES_AT, n));
  mt.state.set(new Uint32Array(k.memory.buffer, 0, STATE_WORDS));
  mt.next = next;
}

/** Box–Muller in place on blocks of 16 uniforms (values j and j + 8 as u1, u2), as fillNormals applies it. */
export function boxMuller(blocks: Float32Array): void {
  const k = room(blocks.length);
  new Float32Array(k.memory.buffer, VALUES_AT, blocks.length).set(blocks);
  k.boxMuller(VALUES_AT, blocks.length >> 4);
  blocks.set(new Float32Array(k.memory.buffer, VALUES_AT, blocks.length));
}

/** The module, its memory grown to hold `n` values. */
function room(n: number): Exports {
  const k = (kernel ??= wasmModule<Exports>(WASM_BASE64).instance());
  fitMemory(k.memory, VALUES_AT + n * 4);
  return k;
}
