// Packages the extension as a .vsix with vsce. `--target <platform>` (e.g. linux-x64) builds a
// platform package that carries only that platform's onnxruntime binaries; without it the package
// carries them all. `--out <file>` names the .vsix.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const target = arg('--target');
const out = arg('--out');

const ALL_BINARIES = '!node_modules/onnxruntime-node/bin/**';
const rules = readFileSync('.vscodeignore', 'utf8');
if (!rules.includes(ALL_BINARIES)) throw new Error(`.vscodeignore no longer has the line ${ALL_BINARIES}`);

const tmp = mkdtempSync(join(tmpdir(), 'diffusion-lab-package-'));
try {
  const args = ['package', '--allow-missing-repository'];
  if (target) {
    const [os, arch] = target.split('-');
    const ignoreFile = join(tmp, 'vscodeignore');
    writeFileSync(
      ignoreFile,
      rules.replace(ALL_BINARIES, `!node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/**`),
    );
    args.push('--target', target, '--ignoreFile', ignoreFile);
  }
  if (out) args.push('--out', out);
  execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', ...args], { stdio: 'inherit' });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
