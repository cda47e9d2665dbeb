// "Diffusion: Generate": a prompt → a run through the RunService (progress, Cancel, saving, the
// gallery) → the image panel. Other surfaces call the command with { prompt?, scheduler? }.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { runSpec, classNameOf } from '../protocol/run';
import type { FinishedRun } from '../runs/executeRun';
import type { ImagePanel } from './imagePanel';
import type { RunService } from './runService';
import { resolveModelDir, UserError } from './settings';

/** What other surfaces may pass to `diffusionLab.generate`; anything left out is asked for or defaulted. */
export interface GenerateArgs {
  prompt?: string;
  /** Scheduler config keys over the model's (RunSpec.scheduler). */
  scheduler?: Record<string, unknown>;
}

export function registerGenerate(context: vscode.ExtensionContext, deps: { runs: RunService; panel: ImagePanel }): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('diffusionLab.generate', (args?: unknown) => generate(context, deps, args)),
    vscode.commands.registerCommand('diffusionLab.cancel', () => deps.runs.cancel()),
  );
}

async function generate(context: vscode.ExtensionContext, deps: { runs: RunService; panel: ImagePanel }, rawArgs: unknown): Promise<FinishedRun | undefined> {
  try {
    const args = parseArgs(rawArgs);
    const prompt = args.prompt ?? (await askPrompt());
    if (prompt === undefined) return undefined;
    // No guidance scale: the engine uses the model's recommended one (the record reports it).
    const spec = runSpec({ modelDir: resolveModelDir(context.extensionUri), prompt, scheduler: args.scheduler });
    const finished = await deps.runs.run({ spec, modelLabel: basename(spec.modelDir), options: {}, origin: 'generate' });
    if (finished) deps.panel.show(toPanelRun(finished), finished.images.map((image) => image.png));
    return finished;
  } catch (error) {
    deps.runs.report(error, 'generate');
    return undefined;
  }
}

function parseArgs(raw: unknown): GenerateArgs {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object') throw new UserError('diffusionLab.generate takes an object { prompt?, scheduler? }.');
  const { prompt, scheduler } = raw as Record<string, unknown>;
  if (prompt !== undefined && typeof prompt !== 'string') throw new UserError('diffusionLab.generate: prompt must be a string.');
  if (scheduler !== undefined && (typeof scheduler !== 'object' || scheduler === null || Array.isArray(scheduler))) {
    throw new UserError('diffusionLab.generate: scheduler must be a scheduler_config object.');
  }
  return { prompt, scheduler: scheduler as Record<string, unknown> | undefined };
}

function askPrompt(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Diffusion: Generate',
    prompt: 'Describe the image',
    placeHolder: 'a red circle on a blue background',
    ignoreFocusOut: true,
  });
}

function toPanelRun({ info, images, createdAt }: FinishedRun) {
  const { spec } = info;
  const seconds = ((Date.now() - createdAt.getTime()) / 1000).toFixed(1);
  const sampler = classNameOf(info.scheduler) ?? 'scheduler';
  return {
    prompt: spec.prompt,
    summary: `${spec.steps} steps · guidance ${spec.guidanceScale} · ${sampler} · ${info.model.name} · ${info.provider} · ${seconds} s`,
    images: images.map((image, i) => ({
      width: image.width,
      height: image.height,
      rgba: image.rgba.slice(),
      caption: `seed ${info.seeds[i]} · ${image.width}×${image.height}`,
    })),
  };
}
