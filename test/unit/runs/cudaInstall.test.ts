// The CUDA opt-in runs onnxruntime-node's real installer; with its download routed to a closed port
// it must fail fast with a message that says what to check, and leave the package untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installCudaProvider } from '../../../src/runs/cudaInstall';

test(
  'a CUDA provider download that cannot connect reports a clear failure',
  { skip: process.platform !== 'linux' || process.arch !== 'x64' },
  async () => {
    const binDir = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
    const before = readdirSync(binDir, { recursive: true }).sort();
    process.env.GLOBAL_AGENT_HTTPS_PROXY = 'http://127.0.0.1:9';
    try {
      const output: string[] = [];
      const result = await installCudaProvider((text) => output.push(text));
      assert.equal(result.ok, false);
      assert.match(result.message, /Could not install the CUDA provider/);
      assert.match(result.message, /api\.nuget\.org/);
    } finally {
      delete process.env.GLOBAL_AGENT_HTTPS_PROXY;
    }
    assert.deepEqual(readdirSync(binDir, { recursive: true }).sort(), before);
  },
);
