// "Diffusion: Generate": a prompt → a run through the RunService (progress, Cancel, saving, the
// gallery) → the image panel. Other surfaces call the command with { prompt?, scheduler? }. The
// prompt box starts from the last prompt, and its History button lists the past runs' prompts.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { runSpec } from '../protocol/run';
import type { ImagePanel } from './imagePanel';
import type { CompletedRun, RunService } from './runService';
import { resolveModelDir, UserError } from './settings';
import type { RunStore } from './workbench/runStore';

/** What other surfaces may pass to `diffusionLab.generate`; anything left out is asked for or defaulted. */
export interface GenerateArgs {
  prompt?: string;
  /** Scheduler config keys over the model's (RunSpec.scheduler). */
  scheduler?: Record<string, unknown>;
}

interface GenerateDeps {
  runs: RunService;
  store: RunStore;
  panel: ImagePanel;
}

export function registerGenerate(context: vscode.ExtensionContext, deps: GenerateDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('diffusionLab.generate', (args?: unknown) => generate(context, deps, args)),
    vscode.commands.registerCommand('diffusionLab.cancel', () => deps.runs.cancel()),
  );
}

async function generate(
  context: vscode.ExtensionContext,
  deps: GenerateDeps,
  rawArgs: unknown,
): Promise<CompletedRun | undefined> {
  try {
    const args = parseArgs(rawArgs);
    const prompt = args.prompt ?? (await askPrompt(await pastPrompts(deps.store)));
    if (prompt === undefined) return undefined;
    // No guidance scale: the engine uses the model's recommended one (the record reports it).
    const spec = runSpec({ modelDir: resolveModelDir(context.extensionUri), prompt, scheduler: args.scheduler });
    const finished = await deps.runs.run({
      spec,
      modelLabel: basename(spec.modelDir),
      options: {},
      origin: 'generate',
      progress: 'notification',
    });
    if (finished) await deps.panel.showRun(finished);
    if (finished?.info.unknownWords.length)
      void vscode.window.showWarningMessage(unknownWordsWarning(finished.info.unknownWords));
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
  if (prompt !== undefined && typeof prompt !== 'string')
    throw new UserError('diffusionLab.generate: prompt must be a string.');
  if (scheduler !== undefined && (typeof scheduler !== 'object' || scheduler === null || Array.isArray(scheduler))) {
    throw new UserError('diffusionLab.generate: scheduler must be a scheduler_config object.');
  }
  return { prompt, scheduler: scheduler as Record<string, unknown> | undefined };
}

const MAX_HISTORY = 50;

/** The prompts of stored runs, newest first, each once. */
async function pastPrompts(store: RunStore): Promise<string[]> {
  const prompts = (await store.list()).map((run) => run.spec.prompt).filter((p) => p.trim() !== '');
  return [...new Set(prompts)].slice(0, MAX_HISTORY);
}

/** The palette has no prompt box to mark words in, so a notification names them. */
function unknownWordsWarning(words: string[]): string {
  const list = words.map((w) => `"${w}"`).join(', ');
  return `Diffusion Lab: the model does not know ${words.length === 1 ? 'the word' : 'the words'} ${list}; they were ignored.`;
}

/** The prompt box: the last prompt, selected so that typing replaces it; History picks a past one. */
function askPrompt(history: string[]): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = 'Diffusion: Generate';
  box.prompt = 'Describe the image';
  box.placeholder = 'a red circle on a blue background';
  box.ignoreFocusOut = true;
  box.value = history[0] ?? '';
  box.valueSelection = [0, box.value.length];
  const historyButton = { iconPath: new vscode.ThemeIcon('history'), tooltip: 'Past prompts' };
  if (history.length > 0) box.buttons = [historyButton];
  return new Promise((resolve) => {
    let answer: string | undefined;
    /** The History pick replaces the box for a moment; the box comes back after it. */
    let picking = false;
    box.onDidAccept(() => {
      answer = box.value;
      box.hide();
    });
    box.onDidTriggerButton(async () => {
      picking = true;
      const picked = await vscode.window.showQuickPick(history, {
        title: 'Past prompts',
        placeHolder: 'Type to filter',
      });
      picking = false;
      if (picked !== undefined) box.value = picked;
      box.show();
    });
    box.onDidHide(() => {
      if (picking) return;
      box.dispose();
      resolve(answer);
    });
    box.show();
  });
}
