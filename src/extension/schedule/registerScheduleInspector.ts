// Everything the schedule inspector adds to VS Code: the preview command, the custom editor,
// diagnostics, hovers and quick fixes for scheduler_config.json and *.schedule.json files.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { createScheduleFile } from './createScheduleFile';
import { registerScheduleDiagnostics } from './scheduleDiagnostics';
import { isScheduleDocument } from './scheduleDocuments';
import { EDITOR_VIEW_TYPE, ScheduleEditorProvider } from './scheduleEditorProvider';
import { registerScheduleLanguageFeatures } from './scheduleLanguageFeatures';
import { SchedulePreview } from './schedulePreview';

export const SCHEDULE_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/scheduler_config.json' },
  { language: 'json', pattern: '**/*.schedule.json' },
];

export function registerScheduleInspector(context: vscode.ExtensionContext, log: Log): void {
  const preview = new SchedulePreview(context.extensionUri, context.workspaceState, log);
  context.subscriptions.push(
    preview,
    vscode.commands.registerCommand('diffusionLab.showSchedulePreview', async (uri?: vscode.Uri) => {
      const document =
        uri instanceof vscode.Uri
          ? await vscode.workspace.openTextDocument(uri)
          : vscode.window.activeTextEditor?.document;
      if (!document || !isScheduleDocument(document)) {
        void vscode.window.showInformationMessage(
          'Open a scheduler_config.json or a *.schedule.json file to preview its schedule.',
        );
        return;
      }
      preview.show(document);
    }),
    vscode.commands.registerCommand('diffusionLab.createScheduleFile', () => createScheduleFile()),
    vscode.window.registerCustomEditorProvider(
      EDITOR_VIEW_TYPE,
      new ScheduleEditorProvider(context.extensionUri, context.workspaceState, log),
    ),
  );
  registerScheduleDiagnostics(context);
  registerScheduleLanguageFeatures(context, SCHEDULE_SELECTOR);
}
