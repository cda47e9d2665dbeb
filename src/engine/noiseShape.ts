// The one check of a draw for a batch of generators (one per image), wherever the generators run.
import { numel } from '../core/tensor/tensor';

/** The values a draw of `shape` from `batch` generators holds; throws, naming the problem, for a shape
 * they cannot draw or an `out` of another size. */
export function batchDrawSize(shape: readonly number[], batch: number, out?: Float32Array): number {
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new RangeError(`randn: invalid shape [${shape.join(', ')}]`);
  if (shape[0] !== batch) throw new RangeError(`noise for a batch of ${shape[0]} from ${batch} seeds`);
  const n = numel(shape);
  if (out && out.length !== n)
    throw new RangeError(`randn: out has ${out.length} values but [${shape.join(', ')}] needs ${n}`);
  return n;
}
