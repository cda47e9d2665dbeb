// "Diffusion: Generate": prompt → engine run with a cancellable progress notification → image panel.
// Every failure ends here as a notification; nothing escapes to the extension host.
import { randomInt } from 'node:crypto';
import * as vscode from 'vscode';
import { EngineError, type EngineClient } from '../engine/engineClient';
import { describeTimes } from '../engine/runTimes';
import type { GenerateRequest, GenerateResult } from '../protocol/engine';
import type { ImagePanel } from './imagePanel';
import { showErrorWithLog, type Log } from './log';
import { readProvider, resolveModelDir, UserError } from './settings';
import type { Workbench } from './workbench/registerWorkbench';

/** What other surfaces may pass to `diffusionLab.generate`; anything left out is asked for or defaulted. */
export interface GenerateArgs {
  prompt?: string;
  /** A scheduler_config.json object (see GenerateRequest.scheduler). */
  scheduler?: Record<string, unknown>;
}

const DEFAULT_STEPS = 20;

export interface GenerateDeps {
  engine: EngineClient;
  panel: ImagePanel;
  /** Saves the run into the output folder and the Runs gallery, as runs made in the workbench are. */
  workbench: Workbench;
  log: Log;
}

export function registerGenerate(context: vscode.ExtensionContext, deps: GenerateDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('diffusionLab.generate', (args?: unknown) => generate(context, deps, args)),
  );
}

async function generate(context: vscode.ExtensionContext, deps: GenerateDeps, rawArgs: unknown): Promise<GenerateResult | undefined> {
  const { log } = deps;
  try {
    const args = parseArgs(rawArgs);
    const prompt = args.prompt ?? (await askPrompt());
    if (prompt === undefined) return undefined;
    const request: GenerateRequest = {
      modelDir: resolveModelDir(context.extensionUri),
      prompt,
      // A1111's seed range, so seeds carry over between tools.
      seed: randomInt(0, 4294967294),
      steps: DEFAULT_STEPS,
      // No guidanceScale: the engine uses the model's recommended one (RunInfo reports it).
      provider: readProvider(),
      scheduler: args.scheduler,
    };
    log.info(`generate: "${prompt}" model ${request.modelDir}, seed ${request.seed}, ${request.steps} steps`);
    const started = Date.now();
    const result = await runWithProgress(deps.engine, request, log);
    const elapsed = Date.now() - started;
    log.info(
      `generate: ${result.images.length} image(s) in ${elapsed} ms on ${result.info.provider}; engine ${describeTimes(result.info.timings)}; engine process ${deps.engine.pid}`,
    );
    deps.panel.show(toPanelRun(prompt, result, elapsed), result.images.map((image) => image.png));
    await deps.workbench.record(request, result);
    return result;
  } catch (error) {
    report(error, log);
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

function runWithProgress(engine: EngineClient, request: GenerateRequest, log: Log): Thenable<GenerateResult> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Diffusion: generating', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => {
        log.info('generate: cancel requested');
        abort.abort();
      });
      try {
        progress.report({ message: 'loading model' });
        return await engine.generate(request, {
          signal: abort.signal,
          onStep: (e) => progress.report({ message: `step ${e.step + 1}/${e.totalSteps}`, increment: 100 / e.totalSteps }),
        });
      } finally {
        cancel.dispose();
      }
    },
  );
}

function toPanelRun(prompt: string, result: GenerateResult, elapsedMs: number) {
  const { info } = result;
  return {
    prompt,
    summary: `${info.steps} steps · guidance ${info.guidanceScale} · ${String(info.scheduler._class_name ?? 'scheduler')} · ${info.model.name} · ${info.provider} · ${(elapsedMs / 1000).toFixed(1)} s`,
    images: result.images.map((image, i) => ({
      width: image.width,
      height: image.height,
      rgba: image.rgba.slice(),
      caption: `seed ${info.seeds[i] ?? info.seeds[0]} · ${image.width}×${image.height}`,
    })),
  };
}

function report(error: unknown, log: Log): void {
  if (error instanceof EngineError && error.code === 'CANCELLED') {
    log.info('generate: cancelled');
    return;
  }
  if (error instanceof UserError) {
    log.warn(error.message);
    showErrorWithLog(log, error.message);
    return;
  }
  if (error instanceof EngineError) {
    log.error(`generate failed (${error.code}): ${error.message}`);
    const file = error.file && !error.message.includes(error.file) ? ` (${error.file})` : '';
    const restart = error.code === 'ENGINE_EXITED' ? ' The next Generate starts a fresh engine.' : '';
    showErrorWithLog(log, `Diffusion Lab: ${error.message.replace(/\.$/, '')}${file}.${restart}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error(`generate failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
  showErrorWithLog(log, `Diffusion Lab: generation failed: ${message}`);
}
