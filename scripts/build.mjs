// Bundles every layer with esbuild. Node bundles keep `vscode` and the native onnxruntime-node
// external; each folder under webview/ with a main.ts becomes one browser bundle.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: !watch };
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', 'onnxruntime-node'] };

const nodeEntries = [
  ['src/extension/extension.ts', 'dist/extension.js'],
  // The engine process's entry loads the engine through a V8 code cache (src/engine/engineStart.ts).
  ['src/engine/engineStart.ts', 'dist/engine.js'],
  ['src/engine/engineMain.ts', 'dist/engineMain.js'],
  // A small UNet's second session runs in a worker beside the engine (src/engine/unetPeer.ts).
  ['src/engine/unetWorker.ts', 'dist/unetWorker.js'],
  // Seeded noise is drawn one step ahead in a worker beside the engine (src/engine/noiseAhead.ts).
  ['src/engine/noiseWorker.ts', 'dist/noiseWorker.js'],
  // The host (extension and CLI) decodes images in a worker (src/runs/imageThread.ts).
  ['src/runs/imageWorker.ts', 'dist/imageWorker.js'],
  ['src/cli/start.ts', 'dist/cli.js'],
].filter(([src]) => existsSync(src));

const webviewEntries = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
      .map((d) => d.name)
  : [];

await Promise.all([
  ...nodeEntries.map(([entry, outfile]) => build({ ...node, entryPoints: [entry], outfile })),
  // The core as a plain module that scripts can import (see the README, "From plain Node").
  build({
    ...common,
    minify: false,
    platform: 'neutral',
    format: 'esm',
    entryPoints: ['src/core/index.ts'],
    outfile: 'dist/core.mjs',
  }),
  build({
    ...common,
    minify: false,
    platform: 'node',
    format: 'cjs',
    entryPoints: ['src/core/index.ts'],
    outfile: 'dist/core.cjs',
  }),
  ...webviewEntries.map((name) =>
    build({
      ...common,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      entryPoints: [join('webview', name, 'main.ts')],
      outfile: join('dist', 'webview', `${name}.js`),
      loader: { '.css': 'css' },
    }),
  ),
]);
console.log(`built ${nodeEntries.length} node bundles, core, ${webviewEntries.length} webview bundles`);
