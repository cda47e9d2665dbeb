/** Dense C-order tensors: a flat typed array plus its shape. Float64 where reference parity needs
 * it (tests against diffusers), Float32 in the engine's hot loop. */
export type FloatArray = Float32Array | Float64Array;

export interface Tensor<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor<T extends FloatArray>(data: T, shape: readonly number[]): Tensor<T> {
  if (data.length !== numel(shape)) {
    throw new RangeError(
      `tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${numel(shape)}`,
    );
  }
  return { data, shape: [...shape] };
}

/** A zero tensor of the same kind and shape, for step outputs. */
export function zerosLike<T extends FloatArray>(t: Tensor<T>): Tensor<T> {
  return { data: zerosOf(t.data), shape: t.shape };
}

/** A zero array of the same kind (float32 or float64) and length `n`, by default the same length. */
export function zerosOf<T extends FloatArray>(a: T, n = a.length): T {
  const Ctor = a.constructor as new (n: number) => T;
  return new Ctor(n);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
