// `diffusion-lab install-cuda`: the explicit opt-in download of the CUDA provider.
import { parseArgs } from 'node:util';
import { installCudaProvider } from '../runs/cudaInstall';

/** Takes no flags: a typo must not start a 400 MB download (parseArgs refuses any argument). */
export async function installCuda(args: string[]): Promise<number> {
  parseArgs({ args, options: {} });
  console.log('Downloading the onnxruntime CUDA 12 provider (about 400 MB)…');
  const result = await installCudaProvider((text) => process.stderr.write(text));
  (result.ok ? console.log : console.error)(result.message);
  return result.ok ? 0 : 1;
}
