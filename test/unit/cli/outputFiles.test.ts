// The CLI's outputs are checked before the run: every path --out and --dump will write, each refusal one line
// naming its flag (exit 2), and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { planOutputs } from '../../../src/cli/outputFiles';
import { model } from '../engine/fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'start.ts');
/** tsx by file URL, so a process started in another folder still finds it. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const HELP_HINT = '(diffusion-lab --help lists the commands and flags)';
const base = ['generate', '--model', model('tiny-sd'), '--prompt', 'x', '--seed', '1', '--steps', '2'];

/** A fresh folder holding a file, a folder, a broken link and a dump folder with its files. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dl-outputs-'));
  writeFileSync(join(dir, 'a-file'), 'the user made this');
  writeFileSync(join(dir, 'b.png'), 'the user made this');
  mkdirSync(join(dir, 'b-2.png'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.png'));
  mkdirSync(join(dir, 'dumped'));
  writeFileSync(join(dir, 'dumped', 'meta.json'), '{}');
  return dir;
}

/** Everything under `dir` with its contents, to show that a refusal changed nothing. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      try {
        return `${name}: ${readFileSync(join(dir, name), 'utf8')}`;
      } catch {
        return name;
      }
    });
}

/** An assert.throws check of the message alone (a RegExp would see `Error: ` before it). */
const refusal = (message: RegExp) => (err: unknown) => err instanceof Error && message.test(err.message);

test('out.png for one image; out.png, out-2.png, … for a batch, absolute, with the extension as given', () => {
  const dir = fixture();
  assert.deepEqual(planOutputs(join(dir, 'new', 'cat.PNG'), 3, false), {
    images: ['cat.PNG', 'cat-2.PNG', 'cat-3.PNG'].map((f) => join(dir, 'new', f)),
  });
  assert.deepEqual(planOutputs(join(dir, 'b.png'), 1, true, join(dir, 'dumped')), {
    images: [join(dir, 'b.png')],
    dump: join(dir, 'dumped'),
  });
});

test('a name as long as a file system takes is accepted; one byte more is refused, naming --out', () => {
  const dir = fixture();
  const fits = join(dir, `${'n'.repeat(251)}.png`);
  assert.deepEqual(planOutputs(fits, 1, false).images, [fits]);
  const long = join(dir, `${'n'.repeat(252)}.png`);
  assert.throws(() => planOutputs(long, 1, false), refusal(/^--out .*: the name n+\.png is longer than 255 bytes$/));
  // A batch's -2 makes the name longer: each image's name is checked.
  assert.throws(() => planOutputs(fits, 2, false), /the name n+-2\.png is longer than 255 bytes/);
});

test('each output that cannot be written is refused by its flag, and nothing is changed', () => {
  const dir = fixture();
  const before = snapshot(dir);
  const cases: [string, number, boolean, string | undefined, RegExp][] = [
    ['-', 1, false, undefined, /^--out - \(standard output\) is not supported/],
    ['new/', 1, false, undefined, /^--out new\/ names a folder: give a file name such as new\/out\.png$/],
    ['b-2.png', 1, false, undefined, /^--out b-2\.png names a folder/],
    ['x.jpg', 1, false, undefined, /^--out x\.jpg: only PNG images are written; give a name ending in \.png$/],
    ['/dev/null', 1, true, undefined, /^--out \/dev\/null: only PNG images are written/],
    ['a-file/x.png', 1, false, undefined, /^--out a-file\/x\.png: .*a-file is a file, not a folder$/],
    ['a-file/new/x.png', 1, false, undefined, /^--out a-file\/new\/x\.png: .*a-file is a file, not a folder$/],
    ['dangling.png', 1, false, undefined, /^--out dangling\.png: .*dangling\.png already exists \(use --force/],
    ['dangling.png', 1, true, undefined, /^--out dangling\.png: .*is a symbolic link; --force replaces files only$/],
    ['b.png', 2, false, undefined, /^--out b\.png: .*b-2\.png is a folder$/],
    ['b.png', 2, true, undefined, /^--out b\.png: .*b-2\.png is a folder$/],
    ['b.png', 1, false, undefined, /^--out b\.png: .*b\.png already exists \(use --force to replace\)$/],
    ['x.png', 1, false, '', /^--dump needs a folder name$/],
    ['x.png', 1, false, 'x.png', /^--dump x\.png and --out .*x\.png are in each other's way/],
    ['x.png', 1, false, 'x.png/d', /^--dump x\.png\/d and --out .*x\.png are in each other's way/],
    ['x.png', 1, false, 'a-file', /^--dump a-file: .*a-file is a file, not a folder$/],
    ['x.png', 1, false, 'dangling.png', /^--dump dangling\.png: .*dangling\.png is a broken symbolic link/],
    ['x.png', 1, false, 'dumped', /^--dump dumped: .*meta\.json already exists \(use --force to replace\)$/],
  ];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const [out, batch, force, dump, message] of cases) {
      assert.throws(() => planOutputs(out, batch, force, dump), refusal(message), `--out ${out} --dump ${dump}`);
    }
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(snapshot(dir), before);
});

test('a folder that cannot be written in is refused', () => {
  const dir = fixture();
  const ro = join(dir, 'ro');
  mkdirSync(ro, { mode: 0o555 });
  if (process.getuid?.() === 0) {
    // Root writes in a folder whatever its mode; a path through a file stops root too.
    assert.throws(() => planOutputs(join(dir, 'a-file', 'd', 'a.png'), 1, false), /a-file is a file, not a folder/);
  } else {
    assert.throws(() => planOutputs(join(ro, 'new', 'a.png'), 1, false), refusal(/^--out .*: .*ro is not writable$/));
    const dump = join(ro, 'd');
    assert.throws(() => planOutputs(join(dir, 'a.png'), 1, false, dump), refusal(/^--dump .*ro is not writable$/));
  }
  chmodSync(ro, 0o755);
});

/** The CLI, run from `cwd`, where `ro` (under it) is a read-only file system when `readOnly`: a tmpfs mounted
 * read-only in a private mount namespace stops root too, where unshare is allowed. */
function cli(cwd: string, args: string[], readOnly?: string) {
  const node = [process.execPath, '--import', TSX, CLI, ...base, ...args];
  const [command, ...rest] = readOnly
    ? ['unshare', '-rm', 'sh', '-c', 'mount -t tmpfs -o ro,size=16k tmpfs "$0" && exec "$@"', readOnly, ...node]
    : node;
  return spawnSync(command, rest, { cwd, encoding: 'utf8' });
}

test('a 249-character name is written, with its batch and dump, and no temporary file is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-outputs-'));
  const name = 'n'.repeat(245);
  const r = cli(ROOT, ['--out', join(dir, `${name}.png`), '--batch', '2', '--dump', join(dir, 'd')]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['d', `${name}-2.png`, `${name}.png`]);
  assert.deepEqual(readdirSync(join(dir, 'd')).sort(), ['image.f32', 'latents.f32', 'meta.json']);
  assert.ok(
    readFileSync(join(dir, `${name}-2.png`))
      .subarray(1, 4)
      .equals(Buffer.from('PNG')),
  );
});

test('the CLI refuses outputs it cannot write before the run, in one line naming the flag, exit 2', () => {
  const dir = fixture();
  const before = snapshot(dir);
  const cases: [string[], RegExp][] = [
    [['--out', 'x.jpg'], /--out x\.jpg: only PNG images are written/],
    [['--out', 'new/'], /--out new\/ names a folder/],
    [['--out', 'dangling.png'], /--out dangling\.png: .*already exists/],
    [['--out', 'b.png', '--batch', '2', '--force'], /--out b\.png: .*b-2\.png is a folder/],
    [['--out', 'x.png', '--dump', 'x.png'], /--dump x\.png and --out .*x\.png are in each other's way/],
    [['--out', 'x.png', '--dump', ''], /--dump needs a folder name/],
  ];
  for (const [args, message] of cases) {
    const r = cli(dir, args);
    assert.equal(r.status, 2, r.stderr);
    const [problem, ...after] = r.stderr.trimEnd().split('\n');
    assert.match(problem, message);
    assert.deepEqual(after, [HELP_HINT]);
  }
  assert.deepEqual(snapshot(dir), before, 'nothing written, b.png kept');
});

test('a read-only --out or --dump folder is refused before the run, and no image is left behind', () => {
  const dir = fixture();
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  const root = process.getuid?.() === 0;
  const mountable = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0"', ro]).status === 0;
  if (!mountable && !root) chmodSync(ro, 0o555);
  // Without a private mount root, whom no mode stops, is refused a folder path through a file instead.
  const folder = mountable || !root ? 'ro' : 'a-file';
  for (const args of [
    ['--out', `${folder}/a.png`],
    ['--out', 'ok.png', '--dump', `${folder}/d`],
  ]) {
    const r = cli(dir, args, mountable ? ro : undefined);
    assert.equal(r.status, 2, r.stderr);
    const flag = args.at(-2);
    assert.match(r.stderr.split('\n')[0], new RegExp(`^diffusion-lab: ${flag} ${folder}/[ad].*: .*${folder} is `));
    if (mountable) assert.match(r.stderr, /is on a read-only file system/);
  }
  chmodSync(ro, 0o755);
  assert.deepEqual(readdirSync(ro), []);
  assert.deepEqual(readdirSync(dir).sort(), ['a-file', 'b-2.png', 'b.png', 'dangling.png', 'dumped', 'ro']);
});
