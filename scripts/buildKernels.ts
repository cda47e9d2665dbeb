// Assembles the engine's WebAssembly kernels (src/engine/kernels/*.wat) with wabt, the WebAssembly
// project's own toolkit, into TypeScript modules that hold the binary as base64, so the engine, its
// bundles and the tests load it without a file beside them. Run after editing a .wat file:
// node --import tsx scripts/buildKernels.ts (test/unit/engine/kernels/wasmCurrent.test.ts checks the
// modules are current).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

const DIR = join(__dirname, '..', 'src', 'engine', 'kernels');

/** The TypeScript module for one .wat source. */
export async function kernelModule(watFile: string): Promise<string> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat(watFile, readFileSync(join(DIR, watFile), 'utf8'), { simd: true });
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const lines =
    Buffer.from(buffer)
      .toString('base64')
      .match(/.{1,100}/g) ?? [];
  return [
    `// Generated from ${watFile} by scripts/buildKernels.ts: edit that file and run the script.`,
    `export const WASM_BASE64 =`,
    ...lines.map((line) => `  '${line}' +`),
    `  '';`,
    '',
  ].join('\n');
}

export const kernelSources = () => readdirSync(DIR).filter((f) => f.endsWith('.wat'));
export const moduleFile = (watFile: string) => join(DIR, watFile.replace(/\.wat$/, 'Wasm.ts'));

async function main(): Promise<void> {
  for (const wat of kernelSources()) {
    writeFileSync(moduleFile(wat), await kernelModule(wat));
    console.log(`wrote ${moduleFile(wat)}`);
  }
}

if (process.argv[1]?.endsWith('buildKernels.ts')) void main();
