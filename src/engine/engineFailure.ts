// The engine side of EngineError: thrown inside the engine process, sent to the client as a payload.
import { ModelFolderError } from '../modelFolder/modelFolder';
import type { EngineErrorCode, EngineErrorPayload } from '../protocol/engine';
import { scheduleRefusal } from '../core/samplers/scheduleRefusal';

export class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: Pick<EngineErrorPayload, 'file' | 'step' | 'field'> = {},
  ) {
    super(message);
    this.name = 'EngineFailure';
  }
}

/** A scheduler's refusal of a schedule (`what`: "4 steps", "custom sigmas") as a BAD_REQUEST. */
export function scheduleRefused(className: string, what: string, err: unknown): EngineFailure {
  return new EngineFailure('BAD_REQUEST', scheduleRefusal(className, what, err));
}

/** Any thrown value as a protocol payload; onnxruntime's allocation failures become OUT_OF_MEMORY. */
export function toPayload(err: unknown): EngineErrorPayload {
  if (err instanceof EngineFailure) return { code: err.code, message: err.message, ...err.details };
  if (err instanceof ModelFolderError) return { code: 'MODEL_INVALID', message: err.message, file: err.file };
  const message = err instanceof Error ? err.message : String(err);
  if (
    /bad_alloc|Failed to allocate|out of memory|Array buffer allocation failed|Invalid typed array length/i.test(
      message,
    )
  ) {
    return {
      code: 'OUT_OF_MEMORY',
      message: `not enough memory for this run (${message.split('\n')[0]}); try a smaller size or batch`,
    };
  }
  return { code: 'INTERNAL', message };
}
