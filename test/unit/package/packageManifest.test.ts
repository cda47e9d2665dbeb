// What the manifest and install config promise the extension host, VS Code's marketplace tooling
// and a fresh `npm ci`: checked against the files, since a wrong value only shows on other machines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function version(text: string): number[] {
  return text
    .replace(/^[\^~>=]+/, '')
    .split('.')
    .map(Number);
}

test('the palette shows "Diffusion: Generate" and the engine runs where the workspace is', () => {
  assert.equal(pkg.name, 'diffusion-lab');
  assert.equal(pkg.displayName, 'Diffusion Lab');
  const generate = pkg.contributes.commands.find((c: { command: string }) => c.command === 'diffusionLab.generate');
  assert.deepEqual(
    { title: generate.title, category: generate.category },
    { title: 'Generate', category: 'Diffusion' },
  );
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  const untrusted = pkg.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.ok(untrusted.description.length > 40, 'a stated reason for limited support');
  // The image panel is revived after a reload only if VS Code activates the extension for it.
  assert.ok(pkg.activationEvents.includes('onWebviewPanel:diffusionLab.image'));
});

test('the engines.vscode floor is no newer than the @types/vscode in use', () => {
  const types = version(
    JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')).version,
  );
  const floor = version(pkg.engines.vscode);
  const cmp = floor[0] - types[0] || floor[1] - types[1] || floor[2] - types[2];
  assert.ok(
    cmp >= 0,
    `engines.vscode ${pkg.engines.vscode} is older than @types/vscode ${types.join('.')} (vsce refuses)`,
  );
  assert.ok(cmp <= 0, `engines.vscode ${pkg.engines.vscode} is newer than @types/vscode ${types.join('.')}`);
});

test('a fresh npm ci builds the CLI behind `npx diffusion-lab` and skips the CUDA download', () => {
  assert.match(pkg.scripts.prepare, /npm run build/);
  assert.equal(pkg.bin['diffusion-lab'], './bin/diffusion-lab.js');
  assert.match(
    readFileSync(join(ROOT, 'bin', 'diffusion-lab.js'), 'utf8'),
    /^#!\/usr\/bin\/env node\n[\s\S]*require\('\.\.\/dist\/cli\.js'\)\.run\(\)/,
  );
  assert.match(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8'), /\['src\/cli\/start\.ts', 'dist\/cli\.js'\]/);
  assert.match(readFileSync(join(ROOT, '.npmrc'), 'utf8'), /^onnxruntime-node-install=skip$/m);
});

test('onnxruntime-node stays out of the bundles and ships in the package', () => {
  assert.ok(pkg.dependencies['onnxruntime-node'].startsWith('^1.30'));
  assert.match(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8'), /external: \['vscode', 'onnxruntime-node'\]/);
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  // Every Node bundle the build writes runs in the installed extension, but for the CLI's.
  const bundles = [...readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8').matchAll(/'(dist\/\w+\.js)'\]/g)]
    .map((m) => m[1])
    .filter((f) => f !== 'dist/cli.js');
  assert.ok(bundles.includes('dist/unetWorker.js') && bundles.includes('dist/extension.js'), `${bundles}`);
  for (const kept of [
    ...bundles.map((f) => `!${f}`),
    '!node_modules/onnxruntime-node/bin/**',
    '!node_modules/onnxruntime-common/dist/cjs/**/*.js',
  ]) {
    assert.ok(ignore.split('\n').includes(kept), `.vscodeignore keeps ${kept}`);
  }
});

test('every command the manifest names (menus, keys, walkthrough links) is contributed and registered', () => {
  const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const sources = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [readFileSync(join(dir, e.name), 'utf8')],
    );
  })(join(ROOT, 'src', 'extension')).join('\n');
  const named = [
    ...pkg.contributes.keybindings.map((k: { command: string }) => k.command),
    ...Object.values(pkg.contributes.menus)
      .flat()
      .map((m) => (m as { command: string }).command),
    ...pkg.contributes.walkthroughs.flatMap((w: { steps: { description: string }[] }) =>
      w.steps.flatMap((s) => [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1])),
    ),
  ];
  assert.ok(named.length > 5);
  for (const id of [...contributed, ...named]) {
    assert.ok(contributed.has(id), `${id} is not in contributes.commands`);
    assert.ok(sources.includes(`registerCommand('${id}'`), `${id} is never registered`);
  }
  for (const w of pkg.contributes.walkthroughs) {
    for (const s of w.steps) assert.ok(existsSync(join(ROOT, s.media.markdown)), s.media.markdown);
  }
});
