// The folder where the engine and the host keep optimized graphs, model hashes and the engine's code cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphCacheDir } from '../../../src/modelFolder/cacheFolder';

test('the cache folder: the environment variable, off, else the per-user cache folder', () => {
  assert.equal(graphCacheDir({ DIFFUSION_LAB_ORT_CACHE: '/tmp/x/ort' }), '/tmp/x/ort');
  assert.equal(graphCacheDir({ DIFFUSION_LAB_ORT_CACHE: 'off' }), undefined);
  if (process.platform === 'linux') {
    assert.equal(graphCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/diffusion-lab/ort');
    assert.match(graphCacheDir({})!, /\.cache\/diffusion-lab\/ort$/);
  }
});
