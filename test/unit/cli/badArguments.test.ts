// Bad command lines, each ending in one clear line that names the flag or file (and a pointer to --help),
// exit status 2, and nothing written. One case a row: the argument, and what the message must say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { model } from '../engine/fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'start.ts');
/** tsx by file URL, so a process started in another folder still finds it. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'dl-badargs-'));
const folder = join(dir, 'a-folder');
mkdirSync(folder);
const listConfig = join(dir, 'list.json');
writeFileSync(listConfig, '[1,2,3]');
const nullConfig = join(dir, 'null.json');
writeFileSync(nullConfig, 'null');
const deepConfig = join(dir, 'deep.json');
writeFileSync(deepConfig, `{"_class_name":"EulerDiscreteScheduler","x":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`);
const bomConfig = join(dir, 'bom.json');
writeFileSync(bomConfig, '\uFEFF[1]');
const emptyImage = join(dir, 'empty.png');
writeFileSync(emptyImage, '');
/** What the folder holds before any test: a test that must write nothing leaves it so. */
const FIXTURES = readdirSync(dir).sort();
const HELP_HINT = '(diffusion-lab --help lists the commands and flags)';
const base = ['generate', '--model', model('tiny-sd'), '--prompt', 'x', '--steps', '2'];
const out = ['--out', join(dir, 'never.png')];

const cases: [string[], RegExp][] = [
  [['--seed', ''], /--seed must be a whole number, not ""/],
  [['--seed', ' '], /--seed must be a whole number, not " "/],
  [['--seed', '0b101'], /--seed must be a whole number, not "0b101"/],
  [['--seed', '1e3'], /--seed must be a whole number, not "1e3"/],
  [['--seed', '4294967295'], /--seed: seed must be a whole number from 0 to 4294967294/],
  [['--ensd', '1.5'], /--ensd must be a whole number, not "1.5"/],
  [['--ensd=-2'], /--ensd: eta noise seed delta must be a whole number from 0 to 4294967294/],
  [
    ['--ensd', '7', '--init-image', join(dir, 'never.png')],
    /--ensd: an eta noise seed delta \(ENSD\) does not combine with an init image yet/,
  ],
  [
    ['--ensd', '7', '--sampler', 'euler_ancestral'],
    /--ensd: an eta noise seed delta \(ENSD\) is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui/,
  ],
  [['--steps', '0x3'], /--steps must be a whole number, not "0x3"/],
  [['--steps', '0'], /--steps: steps must be a whole number from 1 to 1000/],
  [['--guidance', ''], /--guidance must be a number, not ""/],
  [['--guidance', 'NaN'], /--guidance must be a number, not "NaN"/],
  [['--guidance', '51'], /--guidance: guidance scale must be a number from 0 to 50/],
  [['--guidance-rescale', '2'], /--guidance-rescale: guidance rescale must be a number from 0 to 1/],
  [['--batch', '65'], /--batch: batch size must be a whole number from 1 to 64/],
  [['--width', '9000'], /--width: width must be a whole number from 1 to 4096/],
  [
    ['--sampler', 'DDIMScheduler', '--schedule-type', 'Karras'],
    /--sampler "DDIMScheduler": DDIMScheduler takes schedule type \(none\), not "Karras"/,
  ],
  [['--sampler', 'Nope'], /--sampler "Nope": A1111 has no sampler "Nope" \(give a diffusers class/],
  [['--sampler', 'dpmpp_2m', '--scheduler', 'Karras'], /--sampler "dpmpp_2m": ComfyUI has no scheduler "Karras"/],
  [['--sampler', 'DPM++ 2M', '--scheduler', 'karras'], /--scheduler goes with a ComfyUI sampler_name/],
  [['--schedule-type', 'Karras'], /--schedule-type and --scheduler need a --sampler/],
  [['--noise', 'torch'], /--noise must be one of diffusers, a1111, comfyui, not "torch"/],
  [['--sampler', 'DDIM', '--sigmas', '14,1,0'], /--sigmas: A1111's DDIM takes no σ list: give steps instead/],
  [['--sampler', 'DPM++ 2M SDE', '--noise', 'diffusers'], /--noise: .*Brownian-tree noise/],
  [['--scheduler-config', listConfig], /expected a JSON object of scheduler keys, not a list/],
  [['--scheduler-config', nullConfig], /expected a JSON object of scheduler keys, not null/],
  [['--scheduler-config', folder], /--scheduler-config .* is not a regular file$/],
  [['--scheduler-config', join(dir, 'missing.json')], /--scheduler-config .*missing\.json does not exist$/],
  [['--provider', 'tpu'], /--provider must be one of auto, cuda, webgpu, dml, coreml, cpu/],
  [['--timesteps', ''], /--timesteps needs a list of numbers/],
  [['--original-size', '1024'], /--original-size must be <width>x<height> such as 1024x1024, not "1024"/],
  [
    ['--target-size', '0x512'],
    /--target-size: target size must be width and height, whole numbers from 1 to 8192, not 0x512$/,
  ],
  [['--original-size', '99999x99999'], /--original-size: original size .* from 1 to 8192, not 99999x99999$/],
  [['--crop', '1x2'], /--crop must be <x>,<y> \(pixels from the left and the top\)/],
  [['--crop', '9000,0'], /--crop: crop top-left must be x and y, whole numbers from 0 to 8192, not 9000,0$/],
  [['--negative', 'a'.repeat(20_001)], /--negative: negative prompt is 20001 characters, more than 20000$/],
  [['--grow-mask-by', '2.5'], /--grow-mask-by must be a whole number, not "2.5"/],
  [['--grow-mask-by', '6'], /--grow-mask-by: grow mask by needs inpaint node VAEEncodeForInpaint/],
  [['--no-such-flag'], /no-such-flag/],
  [['--force=yes'], /Option '--force' does not take an argument/],
  [['stray'], /Unexpected argument 'stray'/],
  [['--seed', '-1'], /Option '--seed' argument is ambiguous\. Did you forget .* use '--seed=-XYZ'\.$/],
  // A byte-order mark is read past: the config's own problem is named.
  [['--scheduler-config', bomConfig], /bom\.json: expected a JSON object of scheduler keys, not a list/],
  [['--scheduler-config', deepConfig], /--scheduler-config .*deep\.json is nested more than 8 levels deep \(at offset/],
  [['--seed', '4294967293', '--batch', '3'], /--batch: batch of 3 from seed 4294967293 runs past the largest seed/],
  [
    ['--sampler', 'EulerDiscreteScheduler', '--eta', '0.5'],
    /--eta: eta is the step option of DDIMScheduler and TCDScheduler; EulerDiscreteScheduler takes none/,
  ],
  [['--sampler', 'DDIM Karras'], /--sampler "DDIM Karras": A1111's DDIM steps through its own timesteps/],
  [['--sampler', 'DDIM', '--schedule-type', 'Karras'], /A1111 ignores "Karras"/],
  [['--prompt', `a (red:1${'0'.repeat(39)})`], /--prompt: prompt: "red" has attention weight 1e\+39/],
];

for (const [args, message] of cases) {
  test(`generate ${args.join(' ') || '(empty)'} is refused naming it`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...base, ...args, ...out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const [problem, ...after] = r.stderr.trimEnd().split('\n');
    assert.match(problem, message);
    // The problem stays on the terminal's last lines: a pointer to --help follows, not the usage.
    assert.deepEqual(after, [HELP_HINT]);
  });
}

test('--out naming a folder or standard output is refused, and nothing is written beside it', () => {
  for (const [target, message] of [
    [folder, /names a folder/],
    ['-', /standard output\) is not supported/],
  ] as const) {
    // Run from the temporary folder, so a stray './-.png' would land where the test looks.
    const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...base, '--out', target], {
      encoding: 'utf8',
      cwd: dir,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync(`${folder}.png`), false);
  assert.equal(existsSync(join(dir, '-.png')), false);
});

test('invert names its own --image flag for a bad image', () => {
  const args = ['invert', '--model', model('tiny-sd'), '--image', emptyImage, '--steps', '2', ...out];
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^diffusion-lab: --image: init image .*empty\.png is empty\n/);
});

test('install-cuda takes no arguments: a stray one is refused before any download', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'install-cuda', '--dry-run'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '', 'nothing started');
  assert.match(r.stderr, /Unknown option '--dry-run'/);
});

test('a long error reaches the end of a pipe whole, its last line included', () => {
  // 120,000 characters: before, the CLI exited as the pipe took its first 64 KiB.
  const name = 'q'.repeat(120_000);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, name], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(name), `${r.stderr.length} characters`);
  assert.ok(r.stderr.endsWith(`${HELP_HINT}\n`));
});

test('an unknown command is named as unknown, with the command meant or the list of them', () => {
  const cli = (command: string) => spawnSync(process.execPath, ['--import', 'tsx', CLI, command], { encoding: 'utf8' });
  const typo = cli('genrate');
  assert.equal(typo.status, 2);
  assert.equal(typo.stderr, `diffusion-lab: unknown command "genrate"; did you mean "generate"?\n${HELP_HINT}\n`);
  const other = cli('paint');
  assert.equal(other.status, 2);
  assert.match(other.stderr, /unknown command "paint" \(commands: generate, sweep, invert, install-cuda\)/);
  assert.deepEqual(readdirSync(dir).sort(), FIXTURES, 'nothing written beside the fixtures');
});

test('--help anywhere prints the usage and runs nothing', () => {
  for (const help of [['--help'], ['help'], [...base, '-h', ...out], ['sweep', 'never.sweep.json', '--help']]) {
    const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...help], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage:\n {2}diffusion-lab generate/);
    assert.equal(r.stderr, '');
  }
  assert.deepEqual(readdirSync(dir).sort(), FIXTURES, 'nothing written beside the fixtures');
});
