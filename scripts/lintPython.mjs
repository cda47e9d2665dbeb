// Lints the Python (training/, scripts/, the fixture generators under test/fixtures/) with flake8, which
// reads its checks from .flake8. Exits non-zero on findings. flake8 is Debian's `flake8` package
// (.ci/run installs it); where it is missing this prints "not run: <why>" and exits 0, so the lint
// chain still runs on machines set up for the TypeScript side only.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PATHS = ['training', 'scripts', 'test/fixtures'];

const r = spawnSync('flake8', PATHS, { cwd: ROOT, stdio: 'inherit' });
if (r.error?.code === 'ENOENT') {
  console.log('not run: flake8 is not installed (apt-get install flake8)');
  process.exit(0);
}
if (r.error) throw r.error;
if (r.status !== 0) console.error('Python lint: findings above (checks chosen in .flake8)');
process.exit(r.status ?? 1);
