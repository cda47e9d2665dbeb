// Runs suite.cjs inside a desktop VS Code's extension host through @vscode/test-electron.
// Where no VS Code binary can be had (offline, no display libraries), the suite is reported as
// "not run", never as passed. DIFFUSION_LAB_VSCODE_EXECUTABLE uses a local VS Code instead of a
// download; DIFFUSION_LAB_VSCODE_VERSION picks the downloaded version (default: stable).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';

const REPO = resolve(import.meta.dirname, '..', '..');
const CACHE = process.env.DIFFUSION_LAB_E2E_CACHE ?? join(homedir(), '.cache', 'diffusion-lab-e2e');

let executable = process.env.DIFFUSION_LAB_VSCODE_EXECUTABLE;
if (!executable) {
  try {
    executable = await downloadAndUnzipVSCode({
      version: process.env.DIFFUSION_LAB_VSCODE_VERSION ?? 'stable',
      cachePath: join(CACHE, 'vscode-test'),
      timeout: 15_000,
      reporter: new SilentReporter(),
    });
  } catch (error) {
    console.log(`not run: no VS Code binary could be downloaded (${String(error?.message ?? error).split('\n')[0]})`);
    console.log('0 passed, 0 failed');
    process.exit(0);
  }
}

const root = mkdtempSync(join(tmpdir(), 'diffusion-lab-integration-'));
const workspace = join(root, 'workspace');
const results = join(root, 'results.json');
mkdirSync(join(workspace, '.vscode'), { recursive: true });
writeFileSync(
  join(workspace, '.vscode', 'settings.json'),
  JSON.stringify({ 'diffusionLab.modelPath': join(REPO, 'test/fixtures/models/tiny-sd') }),
);

let outcome;
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: join(import.meta.dirname, 'suite.cjs'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      join(root, 'user-data'),
    ],
    extensionTestsEnv: { DIFFUSION_LAB_INTEGRATION_RESULTS: results },
  });
  outcome = JSON.parse(readFileSync(results, 'utf8'));
} catch (error) {
  // VS Code exits non-zero when a test failed; the results file then says which.
  try {
    outcome = JSON.parse(readFileSync(results, 'utf8'));
  } catch {
    console.log(`not ok - VS Code did not run the suite: ${error?.message ?? error}`);
    outcome = [{ name: 'VS Code ran the integration suite', ok: false }];
  }
}
rmSync(root, { recursive: true, force: true });

for (const r of outcome) console.log(`${r.ok ? 'ok' : 'not ok'} - ${r.name}${r.detail ? `: ${r.detail}` : ''}`);
const failed = outcome.filter((r) => !r.ok).length;
console.log(`${outcome.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
