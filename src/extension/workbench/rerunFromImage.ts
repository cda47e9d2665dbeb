// "Re-run from image": reads the parameters a PNG carries (Diffusion Lab's record, or A1111's
// `parameters` text) and turns them into a workbench form, saying what could not be restored.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readPngText } from '../../png/pngText';
import { remakeSpec, restoreFromPngText } from '../../runs/runRecord';
import type { RunSpec } from '../../protocol/run';
import type { RunImageFields } from '../../protocol/workbenchImage';
import type { ParamsForm, RunSchedule, SamplerOption } from '../../protocol/workbench';
import type { ModelCatalog } from './modelCatalog';
import { toForm } from './restoreForm';
import { imageFormat } from '../../core/image/imageFormat';

/** Asks for a PNG (unless given) and returns the restored form and a note (and the run's image inputs, when
 * it started from an image, and the spec that makes the image again where our record says it all), or
 * undefined when cancelled. */
export async function pickAndRestore(
  current: ParamsForm,
  catalog: ModelCatalog,
  samplers: SamplerOption[],
  uri?: vscode.Uri,
): Promise<
  { form: ParamsForm; note: string; schedule?: RunSchedule; image?: RunImageFields; remake?: RunSpec } | undefined
> {
  const file =
    uri ??
    (await vscode.window.showOpenDialog({ filters: { 'PNG images': ['png'] }, openLabel: 'Restore parameters' }))?.[0];
  if (!file) return undefined;
  const bytes = new Uint8Array(await readFile(file.fsPath));
  if (imageFormat(bytes) !== 'png') throw new Error(`${vscode.workspace.asRelativePath(file)} is not a PNG file.`);
  const restored = restoreFromPngText(readPngText(bytes));
  if (!restored)
    throw new Error(
      `${vscode.workspace.asRelativePath(file)} carries no generation parameters (neither Diffusion Lab's nor A1111's).`,
    );
  const image = restored.spec.initImage !== undefined ? restored.spec : undefined;
  const remake = remakeSpec(restored);
  const form = toForm(restored, current, catalog, samplers, basename(file.fsPath));
  return { ...form, ...(image && { image }), ...(remake && { remake }) };
}
