// `npm run lint`: ESLint over the repository (eslint.config.mjs), Prettier's check of the code,
// and the Python lint where scripts/lintPython.mjs exists. Every step runs even when one fails, so
// one run shows all findings; the last line names the failed steps. Exits non-zero when any failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const steps = [
  {
    name: 'eslint',
    args: [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '.'],
    hint: 'ESLint findings above (rules in eslint.config.mjs)',
  },
  {
    name: 'prettier',
    // The same files `npx prettier --write .` formats: code only, as .prettierignore leaves it.
    args: [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.'],
    hint: 'files above are not formatted: run `npx prettier --write .`',
  },
];
if (existsSync(join(ROOT, 'scripts/lintPython.mjs'))) {
  // Prefixed, so a "not run: <why>" of its own does not read as the whole lint suite not running.
  steps.push({
    name: 'python',
    args: [join(ROOT, 'scripts/lintPython.mjs')],
    prefix: 'python: ',
    hint: 'findings above',
  });
}

const failed = [];
for (const step of steps) {
  console.log(`--- ${step.name}`);
  const r = spawnSync(process.execPath, step.args, {
    cwd: ROOT,
    stdio: ['ignore', step.prefix ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (step.prefix) process.stdout.write((r.stdout ?? '').replace(/^(?=.)/gm, step.prefix));
  if (r.error) console.error(`${step.name}: ${r.error.message}`);
  if (r.status !== 0) {
    console.error(`${step.name} failed: ${step.hint}`);
    failed.push(step.name);
  }
}
console.log(failed.length ? `lint failed: ${failed.join(', ')}` : `lint clean: ${steps.map((s) => s.name).join(', ')}`);
process.exit(failed.length ? 1 : 0);
