// Float16 exports on the CPU provider. onnxruntime's CPU provider has float16 kernels for few operators; for
// the rest its graph partitioner inserts Cast nodes (float16 → float32 before the operator, back after it:
// onnxruntime's InsertCastTransformer), so a float16 export runs, computing in float32 and storing every
// intermediate in float16. That is slower than a float32 export of the same model and still overflows where
// float16 does (an SDXL VAE), so a run says so rather than leaving the user to wonder why CPU runs are slow.
import type { ModelSessions } from './modelSessions';
import type { OnnxModel } from './onnxModel';

/** A note naming the float16 components of a CPU run and the cure; undefined when there are none. */
export function cpuFloat16Note(sessions: readonly (ModelSessions | undefined)[]): string | undefined {
  const half = sessions.flatMap((s) => (s?.provider === 'cpu' ? components(s).filter(isFloat16) : []));
  if (half.length === 0) return undefined;
  return (
    `${half.map((m) => m.label).join(', ')}: float16 on the CPU provider, which has float16 kernels for few ` +
    'operators and runs the others in float32 through inserted casts (slower than a float32 export, and ' +
    'intermediates still overflow where float16 does); export the model in float32 for CPU runs, keep float16 ' +
    'for a GPU provider'
  );
}

function components(s: ModelSessions): OnnxModel[] {
  const all = [s.unet, s.textEncoder, s.textEncoder2, s.vaeDecoder, s.vaeEncoder?.model, s.taesdDecoder];
  return all.filter((m): m is OnnxModel => m !== undefined);
}

/** A float16 export: its float inputs or outputs are float16 (Optimum and onnxruntime's converters keep the
 * graph's I/O in the weights' precision). */
function isFloat16(m: OnnxModel): boolean {
  return [...m.inputs, ...m.outputs].some((t) => t.type === 'float16');
}
