// The one test command. Suites: typecheck, lint (scripts/lint.mjs; one test, passed when it exits 0),
// unit (node:test over test/unit/**/*.test.ts), then each test/<suite>/run.mjs (webview, e2e, ...)
// which prints its own "N passed, N failed" line.
// `node scripts/test.mjs unit` runs one suite. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];

function listTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTests(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

const results = [];
function record(name, ok, out) {
  // Take the suite's own counts where it prints them; otherwise count the suite as one test.
  const m = /# pass (\d+)\n# fail (\d+)/.exec(out) ?? [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  const passed = m ? Number(m[1]) : ok ? 1 : 0;
  // A non-zero exit with no counted failure (a crash, a compile error) still counts as one.
  const failed = m && (Number(m[2]) > 0 || ok) ? Number(m[2]) : ok ? 0 : 1;
  // A suite that could not run here (e.g. no VS Code download) says "not run: <why>"; it is
  // counted as neither passed nor failed, and the summary says so.
  const notRun = /^not run: (.*)$/m.exec(out)?.[1];
  results.push({ name, passed, failed, notRun });
}

const suites = [
  ['typecheck', () => run('npm', ['run', '--silent', 'typecheck'])],
  ['lint', () => run(process.execPath, ['scripts/lint.mjs'])],
  [
    'unit',
    () => run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter', 'tap', ...listTests('test/unit')]),
  ],
  ...(existsSync('test') ? readdirSync('test') : [])
    .filter((d) => d !== 'unit' && existsSync(join('test', d, 'run.mjs')))
    .map((d) => [d, () => run(process.execPath, [join('test', d, 'run.mjs')])]),
];

for (const [name, fn] of suites) {
  if (only && name !== only) continue;
  console.log(`\n=== ${name} ===`);
  const r = fn();
  record(name, r.ok, r.out);
}

console.log('\nsummary:');
for (const r of results) {
  console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed${r.notRun ? ` (NOT RUN: ${r.notRun})` : ''}`);
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
