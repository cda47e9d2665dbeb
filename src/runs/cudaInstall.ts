// Installs onnxruntime's CUDA 12 provider through onnxruntime-node's own installer, which the
// project's .npmrc skips by default (about 400 MB from NuGet; needs CUDA 12 and cuDNN 9 at run time).
// Shared by `diffusion-lab install-cuda` and the extension's command.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CudaInstallResult {
  ok: boolean;
  /** What happened and what to do next, for the user. */
  message: string;
}

export function installCudaProvider(onOutput: (text: string) => void = () => undefined): Promise<CudaInstallResult> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return Promise.resolve({
      ok: false,
      message:
        `The CUDA provider download exists for Linux x64 only; this is ${process.platform} ${process.arch}. ` +
        'onnxruntime-node already bundles dml and webgpu on Windows, coreml and webgpu on macOS.',
    });
  }
  const installer = join(dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], {
      env: installerEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', onOutput);
    child.stderr.setEncoding('utf8').on('data', onOutput);
    const failed = (why: string) =>
      resolve({
        ok: false,
        message:
          `Could not install the CUDA provider (${why}). The installer downloads from api.nuget.org: check the network or ` +
          'proxy (it honours GLOBAL_AGENT_HTTPS_PROXY). Generation keeps working on the other providers.',
      });
    child.on('error', (err) => failed(err.message));
    child.on('exit', (code) => {
      if (code !== 0) failed(`installer exit code ${code}`);
      // The installer also exits 0 when it decides not to install; only the library itself is proof.
      else if (!existsSync(cudaLibrary(installer)))
        failed('the installer finished but libonnxruntime_providers_cuda.so is not there');
      else
        resolve({
          ok: true,
          message:
            'Installed the CUDA provider. Provider auto (or cuda) now uses the GPU; CUDA 12 and cuDNN 9 must be installed on the system.',
        });
    });
  });
}

/** The installer's own switch is `ONNXRUNTIME_NODE_INSTALL=1` (1.30 parses `cuda12` as "not set").
 * npm's variables go: under `npm test`/`npx` they make it treat the run as its own dev install and skip. */
function installerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, ELECTRON_RUN_AS_NODE: '1', ONNXRUNTIME_NODE_INSTALL: '1' };
}

function cudaLibrary(installer: string): string {
  return join(dirname(installer), '..', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
}
