// Which execution providers to try. onnxruntime-node throws when a provider cannot start instead of
// falling back, so 'auto' walks this platform's list in order and the caller reports what ran.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProviderName } from '../protocol/engine';

export type ConcreteProvider = Exclude<ProviderName, 'auto'>;

/** Fastest first; cpu always last. */
const PREFERENCE: ConcreteProvider[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

/** The providers 'auto' tries here: those this onnxruntime-node build lists, in preference order;
 * cuda only once `diffusion-lab install-cuda` has put its library beside the binding. */
export function autoProviders(): ConcreteProvider[] {
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name));
  return PREFERENCE.filter((p) => p === 'cpu' || (listed.has(p) && (p !== 'cuda' || cudaInstalled())));
}

function cudaInstalled(): boolean {
  const bin = join(
    dirname(require.resolve('onnxruntime-node/package.json')),
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  return existsSync(join(bin, 'libonnxruntime_providers_cuda.so'));
}

export function providerOrder(choice: ProviderName | undefined): ConcreteProvider[] {
  return !choice || choice === 'auto' ? autoProviders() : [choice];
}
