import { writeFileSync } from 'node:fs';
import { runSpec } from '../src/protocol/run';
import { defaultModelDir } from '../src/runs/enginePaths';
import { startEngine } from '../test/unit/engine/fixtures';
import { encode } from 'fast-png';
const engine = startEngine();
const red = 'a red circle at the top left on a blue background';
const green = 'a green circle at the top left on a blue background';
(async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const a = await engine.generate({ spec: runSpec({ modelDir: defaultModelDir(), prompt: red, seed, steps: 20 }), options: { provider: 'cpu' } });
    const init = { width: 64, height: 64, rgba: a.images[0].rgba };
    writeFileSync(`/tmp/i2i/red${seed}.png`, a.images[0].png);
    const b = await engine.generate({ spec: runSpec({ modelDir: defaultModelDir(), prompt: green, seed: seed + 100, steps: 20, initImage: 'x', strength: 0.7 }), options: { provider: 'cpu' }, images: { init } });
    writeFileSync(`/tmp/i2i/green${seed}.png`, b.images[0].png);
    // inpaint right half
    const m = new Uint8Array(64 * 64 * 4);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) { const v = x >= 32 ? 255 : 0; m.set([v, v, v, 255], (y * 64 + x) * 4); }
    const c = await engine.generate({ spec: runSpec({ modelDir: defaultModelDir(), prompt: 'a yellow square at the bottom right on a blue background', seed, steps: 20, initImage: 'x', mask: 'm', strength: 1 }), options: { provider: 'cpu' }, images: { init, mask: { width: 64, height: 64, rgba: m } } });
    writeFileSync(`/tmp/i2i/inp${seed}.png`, c.images[0].png);
    const rt = await engine.generate({ spec: runSpec({ modelDir: defaultModelDir(), prompt: red, seed, steps: 20, initImage: 'x', strength: 0 }), options: { provider: 'cpu' }, images: { init } });
    writeFileSync(`/tmp/i2i/rt${seed}.png`, rt.images[0].png);
    const stat = (img: Uint8Array, ref: Uint8Array, xs: (x: number) => boolean) => { let s = 0, n = 0, mx = 0; for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (xs(x)) for (let ch = 0; ch < 3; ch++) { const d = Math.abs(img[(y*64+x)*4+ch] - ref[(y*64+x)*4+ch]); s += d; n++; mx = Math.max(mx, d); } return [+(s/n).toFixed(2), mx]; };
    console.log(seed, 'rt-vs-in left', stat(rt.images[0].rgba, init.rgba, (x) => x < 32), 'inp-vs-in left', stat(c.images[0].rgba, init.rgba, (x) => x < 32), 'inp-vs-in left<24', stat(c.images[0].rgba, init.rgba, (x) => x < 24), 'inp-vs-rt left<24', stat(c.images[0].rgba, rt.images[0].rgba, (x) => x < 24), 'inp-vs-rt left<16', stat(c.images[0].rgba, rt.images[0].rgba, (x) => x < 16), 'right', stat(c.images[0].rgba, init.rgba, (x) => x >= 32));
  }
  engine.dispose();
})();
