// The workbench panel's image-input messages on the host: choosing, dropping or reusing an init image,
// loading a mask file. Each answer goes back to the panel; a file that is not an image (or a mask of
// another size) becomes an error under the field it was meant for.
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import {
  imageSettings,
  type FromWorkbenchImage,
  type ImageInputField,
  type RunImageFields,
  type ToWorkbenchImage,
} from '../../protocol/workbenchImage';
import type { ImageRef } from '../../protocol/imageActions';
import type { Log } from '../log';
import { resolveOutputDir } from '../settings';
import { readInitImageBytes, type InitImages } from './initImages';
import type { RunStore } from './runStore';

const IMAGE_FILTERS = { Images: ['png', 'jpg', 'jpeg'] };

export class InitImageMessages {
  constructor(
    private readonly deps: {
      images: InitImages;
      store: RunStore;
      log: Log;
      post(message: ToWorkbenchImage): void;
    },
  ) {}

  async handle(m: FromWorkbenchImage): Promise<void> {
    switch (m.type) {
      case 'pickInitImage': {
        const uri = await pick('Use as init image');
        if (uri) await this.answer('initImage', async () => ({ image: await this.deps.images.fromFile(uri.fsPath) }));
        return;
      }
      case 'dropInitImage':
        return this.answer('initImage', async () => ({ image: await this.deps.images.fromBytes(m.name, m.bytes) }));
      case 'useRunImage':
        return this.useRunImage(m, m.generate);
      case 'pickMask': {
        const uri = await pick('Use as mask');
        if (!uri) return;
        return this.answer('mask', async () => {
          const label = vscode.workspace.asRelativePath(uri);
          const bytes = await readInitImageBytes(uri.fsPath, label);
          const mime = await this.deps.images.checkMask(m.initImageId, label, bytes);
          this.deps.post({ type: 'maskFile', label, bytes, mime });
          return undefined;
        });
      }
    }
  }

  /** Image `ref.index` of a stored run as the init image: its saved file when it has one (so the
   * record points at the output), else its stored PNG. */
  async useRunImage(ref: ImageRef, generate?: boolean): Promise<void> {
    const { store, images } = this.deps;
    await this.answer('initImage', async () => {
      const summary = (await store.list()).find((r) => r.id === ref.runId);
      const savedAs = summary?.images[ref.index]?.savedAs;
      const dir = resolveOutputDir();
      const saved = savedAs && dir ? join(dir, savedAs) : undefined;
      const image = saved ? await images.fromFile(saved).catch(() => undefined) : undefined;
      if (image) return { image, generate };
      const png = (await store.pngs(ref.runId))[ref.index];
      if (!png) throw new Error('that image is no longer in the gallery');
      return { image: await images.fromBytes(`${ref.runId}-${ref.index + 1}.png`, png), generate };
    });
  }

  /** A restored run's init image, settings and mask (re-run from image); a file that has gone is named. */
  async restore(spec: RunImageFields): Promise<void> {
    if (spec.initImage === undefined) return;
    const initImage = spec.initImage;
    let id: string | undefined;
    await this.answer('initImage', async () => {
      const image = await this.deps.images.fromFile(initImage);
      id = image.id;
      return { image, settings: imageSettings(spec) };
    });
    const mask = spec.mask;
    if (id === undefined || mask === undefined) return;
    await this.answer('mask', async () => {
      const bytes = await readInitImageBytes(mask, basename(mask));
      const mime = await this.deps.images.checkMask(id!, basename(mask), bytes);
      this.deps.post({ type: 'maskFile', label: basename(mask), bytes, mime });
      return undefined;
    });
  }

  /** Runs `make`; posts its init image, or its error under `field`. */
  private async answer(
    field: ImageInputField,
    make: () => Promise<Omit<Extract<ToWorkbenchImage, { type: 'initImage' }>, 'type'> | undefined>,
  ): Promise<void> {
    try {
      const made = await make();
      if (made) this.deps.post({ type: 'initImage', ...made });
      this.deps.post({ type: 'imageErrors', errors: {} });
    } catch (error) {
      const message = (error as Error).message;
      this.deps.log.warn(`workbench: ${message}`);
      this.deps.post({ type: 'imageErrors', errors: { [field]: capitalise(message) } });
    }
  }
}

async function pick(openLabel: string): Promise<vscode.Uri | undefined> {
  return (await vscode.window.showOpenDialog({ filters: IMAGE_FILTERS, openLabel, canSelectMany: false }))?.[0];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
