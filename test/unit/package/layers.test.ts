// The process boundaries the folders promise: only the engine process loads onnxruntime-node, and
// neither the extension host's bundle nor the CLI's carries any of it (or any engine-process code), nor the engine's any host-side code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
const ONNX =
  /from\s+['"]onnxruntime-(node|common)['"]|require\(\s*['"]onnxruntime-(node|common)['"]\s*\)|import\(\s*['"]onnxruntime-(node|common)['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|mts|cts|js|mjs)$/.test(name) ? [path] : [];
  });
}

test('no file outside src/engine imports onnxruntime', () => {
  const offenders = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'webview'))]
    .filter((f) => !relative(ROOT, f).startsWith(join('src', 'engine')))
    .filter((f) => ONNX.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f));
  assert.deepEqual(offenders, []);
});

/** The source files esbuild bundles from `entry`, relative to the root. */
async function bundleInputs(entry: string, external: string[]): Promise<string[]> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    external,
  });
  return Object.keys(result.metafile.inputs);
}

for (const entry of ['src/extension/extension.ts', 'src/cli/start.ts']) {
  test(`the ${entry} bundle holds no onnxruntime and no engine-process code`, async () => {
    const inputs = await bundleInputs(entry, ['vscode']);
    assert.deepEqual(
      inputs.filter((i) => /onnxruntime/.test(i)),
      [],
    );
    assert.deepEqual(
      inputs.filter((i) => i.startsWith('src/engine/')),
      [],
    );
    // The CLI shares the host's run handling, never the extension's own code.
    if (entry.startsWith('src/cli/'))
      assert.deepEqual(
        inputs.filter((i) => i.startsWith('src/extension/')),
        [],
      );
  });
}

test('the engine bundle holds no host-side code (src/runs, src/cli, src/extension)', async () => {
  const inputs = await bundleInputs('src/engine/engineMain.ts', ['onnxruntime-node']);
  assert.deepEqual(
    inputs.filter((i) => /^src\/(runs|cli|extension)\//.test(i)),
    [],
  );
});
