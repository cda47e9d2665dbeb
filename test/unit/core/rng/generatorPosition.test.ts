// A generator made at another's position draws what that one would draw next, through both of PyTorch's
// paths (the bulk path of 16 values or more, and the scalar path with its cached second normal), and the
// two then go on independently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';

test("a generator at another's position continues its stream, independently of it", () => {
  const g = new TorchGenerator(42);
  g.randn([3]); // the scalar path leaves a cached normal behind
  const c = TorchGenerator.at(structuredClone(g.position()));
  assert.deepStrictEqual(c.randn([1]), g.randn([1]), 'the cached normal');
  assert.deepStrictEqual(c.randn([700]), g.randn([700]), 'across a twist of the state');
  const before = TorchGenerator.at(g.position());
  c.randn([16]);
  assert.deepStrictEqual(g.randn([16]), before.randn([16]), "the copy's draws leave the generator as it was");
});
