// `diffusion-lab install-cuda`: the explicit opt-in download of the CUDA provider.
import { installCudaProvider } from '../runs/cudaInstall';

export async function installCuda(): Promise<number> {
  console.log('Downloading the onnxruntime CUDA 12 provider (about 400 MB)…');
  const result = await installCudaProvider((text) => process.stderr.write(text));
  (result.ok ? console.log : console.error)(result.message);
  return result.ok ? 0 : 1;
}
