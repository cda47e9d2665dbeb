// "Diffusion: Create a Schedule File": a small *.schedule.json to start from (SD's schedule as
// shipped against Lin et al.'s fix), opened with its preview beside it. Never replaces a file.
import * as vscode from 'vscode';

const STARTER = {
  description:
    "Stable Diffusion's schedule as shipped, against trailing spacing with zero terminal SNR (Lin et al. 2023).",
  schedules: {
    'sd15 as shipped': {
      config: {
        _class_name: 'EulerDiscreteScheduler',
        beta_start: 0.00085,
        beta_end: 0.012,
        beta_schedule: 'scaled_linear',
        timestep_spacing: 'leading',
        steps_offset: 1,
      },
    },
    'trailing + zero-SNR': {
      config: {
        _class_name: 'EulerDiscreteScheduler',
        beta_start: 0.00085,
        beta_end: 0.012,
        beta_schedule: 'scaled_linear',
        prediction_type: 'v_prediction',
        timestep_spacing: 'trailing',
        rescale_betas_zero_snr: true,
      },
    },
  },
};

export async function createScheduleFile(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder && vscode.Uri.joinPath(folder, 'my.schedule.json'),
    filters: { 'Schedule files': ['schedule.json'] },
    saveLabel: 'Create',
  });
  if (!target) return;
  if (!target.path.endsWith('.schedule.json')) {
    void vscode.window.showErrorMessage(
      'Diffusion Lab: a schedule file name ends in .schedule.json, so the editor knows to check it.',
    );
    return;
  }
  const exists = await vscode.workspace.fs.stat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    void vscode.window.showErrorMessage(
      `Diffusion Lab: ${vscode.workspace.asRelativePath(target)} exists; choose a new name.`,
    );
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(STARTER, null, 2)}\n`));
  await vscode.window.showTextDocument(target);
  await vscode.commands.executeCommand('diffusionLab.showSchedulePreview', target);
}
