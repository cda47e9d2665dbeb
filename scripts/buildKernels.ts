// Assembles the WebAssembly kernels (the .wat files in KERNEL_DIRS) with wabt, the WebAssembly project's
// own toolkit, into TypeScript modules that hold the binary as base64, so the engine, the webviews, the
// bundles and the tests load it without a file beside them. Run after editing a .wat file:
// node --import tsx scripts/buildKernels.ts (test/unit/scripts/buildKernels.test.ts checks the
// modules are current).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import wabtInit from 'wabt';

const ROOT = join(__dirname, '..');
const KERNEL_DIRS = ['src/engine/kernels', 'src/core/rng', 'src/core/noise', 'src/core/kdiffusion'];

/** The TypeScript module for one .wat source (a path from the repository's root). */
export async function kernelModule(watFile: string): Promise<string> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat(watFile, readFileSync(join(ROOT, watFile), 'utf8'), { simd: true });
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const lines =
    Buffer.from(buffer)
      .toString('base64')
      .match(/.{1,100}/g) ?? [];
  return [
    `// Generated from ${basename(watFile)} by scripts/buildKernels.ts: edit that file and run the script.`,
    `export const WASM_BASE64 =`,
    ...lines.map((line) => `  '${line}' +`),
    `  '';`,
    '',
  ].join('\n');
}

export const kernelSources = () =>
  KERNEL_DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.wat'))
      .map((f) => `${dir}/${f}`),
  );
export const moduleFile = (watFile: string) => join(ROOT, watFile.replace(/\.wat$/, 'Wasm.ts'));

async function main(): Promise<void> {
  for (const wat of kernelSources()) {
    writeFileSync(moduleFile(wat), await kernelModule(wat));
    console.log(`wrote ${moduleFile(wat)}`);
  }
}

if (process.argv[1]?.endsWith('buildKernels.ts')) void main();
