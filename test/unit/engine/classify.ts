// training/classify.py (the pixel classifier tiny-shapes' quality is measured with) on RGBA images,
// through Debian's Python, which has the numpy and scipy it needs.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RgbaPixels } from '../../../src/protocol/engine';

export interface Scene {
  colour: string | null;
  shape: string | null;
  size: string | null;
  position: string | null;
  background: string | null;
}

const TRAINING = join(__dirname, '..', '..', '..', 'training');
const SCRIPT = `
import json, sys
import numpy as np
import classify
for item in json.load(sys.stdin):
    img = np.frombuffer(bytes.fromhex(item['rgba']), np.uint8).reshape(item['height'], item['width'], 4)[:, :, :3]
    print(json.dumps(classify.classify(img)))
`;

export function classify(images: RgbaPixels[]): Scene[] {
  const hex = (i: RgbaPixels) => ({ width: i.width, height: i.height, rgba: Buffer.from(i.rgba).toString('hex') });
  const input = JSON.stringify(images.map(hex));
  const out = execFileSync('/usr/bin/python3', ['-c', SCRIPT], { cwd: TRAINING, input, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Scene);
}
