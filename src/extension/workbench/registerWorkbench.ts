// Wires the generation workbench: the generate panel (with its serializer), the side-panel gallery,
// and the commands that open them, re-run from an image, and record runs made elsewhere.
import * as vscode from 'vscode';
import { parseScheduleArgument } from '../../protocol/workbench';
import type { Log } from '../log';
import type { RunService } from '../runService';
import { GALLERY_VIEW_ID, GalleryView } from './galleryView';
import { ImageActions } from './imageActions';
import { ModelCatalog } from './modelCatalog';
import { pickAndRestore } from './rerunFromImage';
import type { RunStore } from './runStore';
import { samplerOptions } from './samplerOptions';
import { WorkbenchPanel } from './workbenchPanel';

/** Returns the image actions, which the image panel offers too. */
export function registerWorkbench(
  context: vscode.ExtensionContext,
  deps: { runs: RunService; store: RunStore; log: Log },
): ImageActions {
  const { runs, store, log } = deps;
  const catalog = new ModelCatalog(context, log);
  const samplers = samplerOptions();
  const actions = new ImageActions({
    runs,
    store,
    log,
    openWorkbench: (runId) => panel.show(runId),
    useAsInitImage: (ref): Promise<void> => panel.useAsInitImage(ref),
  });
  const panel: WorkbenchPanel = new WorkbenchPanel({ context, catalog, runs, store, samplers, actions, log });
  const gallery = new GalleryView(context.extensionUri, store, runs, actions, (runId) => panel.show(runId), log);

  context.subscriptions.push(
    panel,
    gallery,
    vscode.window.registerWebviewViewProvider(GALLERY_VIEW_ID, gallery),
    vscode.commands.registerCommand('diffusionLab.openWorkbench', async (arg?: unknown) => {
      // Without a schedule (palette, menus, which may pass their own context) the panel opens as it was.
      if (typeof arg !== 'object' || arg === null || !('schedule' in arg)) return panel.show();
      const parsed = parseScheduleArgument(arg);
      if ('error' in parsed) {
        log.warn(`open workbench: refused a schedule: ${parsed.error}`);
        void vscode.window.showErrorMessage(
          `Diffusion Lab: cannot run the workbench with that schedule: ${parsed.error}`,
        );
        return;
      }
      await panel.useSchedule(parsed.schedule);
    }),
    // `then`: { remake: true } also runs the image's own spec again (a sweep cell opened: its steps on view).
    vscode.commands.registerCommand('diffusionLab.rerunFromImage', async (uri?: unknown, then?: unknown) => {
      try {
        const restored = await pickAndRestore(
          await panel.currentForm(),
          catalog,
          samplers,
          uri instanceof vscode.Uri ? uri : undefined,
        );
        if (restored) {
          await panel.setForm(restored.form, restored.note);
          // The image's own schedule, or none: a schedule handed over earlier would not re-make it.
          await panel.useSchedule(restored.schedule);
          if (restored.image) await panel.restoreImageInput(restored.image);
          const remake = (then as { remake?: unknown } | undefined)?.remake === true && restored.remake;
          if (remake) await panel.runExactly(remake);
        }
      } catch (error) {
        log.warn(`re-run from image: ${(error as Error).message}`);
        panel.importFailed((error as Error).message);
        void vscode.window.showErrorMessage(`Diffusion Lab: ${(error as Error).message}`);
      }
    }),
  );
  return actions;
}
