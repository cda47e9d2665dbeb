// `diffusion-lab install-cuda`: runs onnxruntime-node's own installer for the CUDA 12 provider,
// which the project's .npmrc skips by default (about 400 MB from NuGet, needs CUDA 12 and cuDNN 9).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

export function installCuda(): number {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(`The CUDA provider download exists for Linux x64 only; this is ${process.platform} ${process.arch}. ` +
      'onnxruntime-node already bundles dml and webgpu on Windows, coreml and webgpu on macOS.');
    return 1;
  }
  const installer = join(dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
  console.log('Downloading the onnxruntime CUDA 12 provider (about 400 MB)…');
  const r = spawnSync(process.execPath, [installer], {
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_onnxruntime_node_install: 'cuda12' },
  });
  if (r.status !== 0) {
    console.error('Could not install the CUDA provider. The installer downloads from api.nuget.org: check the network or proxy ' +
      '(it honours GLOBAL_AGENT_HTTPS_PROXY). Generation keeps working on the other providers.');
    return 1;
  }
  console.log('Installed. Use --provider cuda (or auto) to run on the GPU; CUDA 12 and cuDNN 9 must be installed on the system.');
  return 0;
}
