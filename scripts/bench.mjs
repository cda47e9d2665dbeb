// Runs every bench/*.bench.{ts,mjs} in turn (or those whose name contains argv[2]). Benches print
// their figures; nothing here asserts a timing.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const files = readdirSync('bench')
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f) && f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const args = f.endsWith('.ts') ? ['--import', 'tsx', join('bench', f)] : [join('bench', f)];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed) {
  console.error(`${failed} bench file(s) failed`);
  process.exit(1);
}
