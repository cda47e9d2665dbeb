// Whether an execution provider starts at all, told from a 92-byte model instead of the UNet: a
// provider listed by onnxruntime but without its device (WebGPU without an adapter, CUDA without its
// libraries) then fails in milliseconds, before gigabytes of weights are read for it.
import * as ort from 'onnxruntime-node';
import type { ConcreteProvider } from './providers';

/** y = x + x on one float32, opset 13 (scripts/make_probe_model.py). */
const PROBE_MODEL =
  'CAcSB3B5dG9yY2gaBjEuMTMuMDpDChQKAXgKAXgSAXkaBC9BZGQiA0FkZBIJdG9yY2hfaml0Wg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIE' +
  'CgIIAUICEA0=';

const probed = new Map<ConcreteProvider, Promise<Error | undefined>>();

/** Undefined when `provider` runs the probe model; else onnxruntime's error. Once per process and provider. */
export function providerFailure(provider: ConcreteProvider): Promise<Error | undefined> {
  if (provider === 'cpu') return Promise.resolve(undefined);
  let result = probed.get(provider);
  if (!result) {
    result = probe(provider);
    probed.set(provider, result);
  }
  return result;
}

async function probe(provider: ConcreteProvider): Promise<Error | undefined> {
  try {
    const model = Buffer.from(PROBE_MODEL, 'base64');
    const session = await ort.InferenceSession.create(model, { executionProviders: [provider] });
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1), [1]) });
    await session.release();
    const value = (y.data as Float32Array)[0];
    return value === 2 ? undefined : new Error(`it computed 1 + 1 = ${value}`);
  } catch (err) {
    return err as Error;
  }
}
