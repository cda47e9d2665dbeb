// The command that opens the forward-process view: from an image in the explorer or an editor tab's
// context menu (the file's URI), from the schedule preview ({ schedule, overlays }: asks for an
// image), or from any surface with an image's URI ({ image }). Without an image it asks for one.
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { EngineClient } from '../../runs/engineClient';
import { readProvider, resolveModelDir } from '../settings';
import { ForwardLatents } from './forwardLatents';
import { ForwardPanel, type ForwardSources } from './forwardPanel';

/** What callers may pass: an image URI, or the parts of ForwardSources (URIs or their strings). */
export type ShowForwardArgument =
  vscode.Uri | { image?: vscode.Uri | string; schedule?: vscode.Uri | string; overlays?: (vscode.Uri | string)[] };

export function registerForwardView(context: vscode.ExtensionContext, log: Log, engine: EngineClient): void {
  const model = () => ({ dir: resolveModelDir(context.extensionUri), provider: readProvider() });
  const latents = new ForwardLatents(engine, model);
  const panel = new ForwardPanel(context.extensionUri, context.workspaceState, log, latents);
  context.subscriptions.push(
    panel,
    vscode.commands.registerCommand('diffusionLab.showForwardProcess', async (arg?: ShowForwardArgument) => {
      const given = arg instanceof vscode.Uri ? { image: arg } : arg;
      const image = toUri(given?.image) ?? (await pickImage());
      if (!image) return;
      const overlays = given?.overlays?.map(toUri).filter((u) => u !== undefined);
      const sources: ForwardSources = { image, schedule: toUri(given?.schedule), overlays };
      await panel.show(sources);
    }),
  );
}

function toUri(value: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  // A plain path or a URI string (file:///…).
  const isUri = /^[a-z][\w+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value); // not a Windows drive
  return isUri ? vscode.Uri.parse(value) : vscode.Uri.file(value);
}

async function pickImage(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Show the forward process',
    title: 'An image to noise under the schedules',
    filters: { Images: ['png', 'jpg', 'jpeg'] },
  });
  return picked?.[0];
}
