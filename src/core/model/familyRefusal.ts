// Why the engine does not run a model folder as a run's model, from its family report: the component to
// name and why. The engine refuses with it; a sweep's checks say it at the model folder while typing.
import type { ModelFamilyReport } from './modelFamily';

/** Families the engine does not run as the run's model (they load, for another role), and why. */
const NOT_RUN: Partial<Record<ModelFamilyReport['family'], string>> = {
  'sdxl-refiner':
    'an SDXL refiner (time_ids with an aesthetic score) runs only as the second stage of an SDXL base: ' +
    'give it as the refiner (--refiner) of an SDXL model',
};

export interface FamilyRefusal {
  /** The component folder (or file) at fault, relative to the model folder. */
  component: string;
  message: string;
}

/** A family that does not run as the run's model. */
export function familyRefusal(report: ModelFamilyReport): FamilyRefusal | undefined {
  const why = NOT_RUN[report.family];
  return why === undefined ? undefined : { component: 'unet/model.onnx', message: why };
}

/** An error the recognizer found in the folder, which no role of the folder runs with. */
export function findingRefusal(report: ModelFamilyReport): FamilyRefusal | undefined {
  const error = report.findings.find((f) => f.severity === 'error');
  return error && { component: String(error.path[0]), message: error.message };
}
