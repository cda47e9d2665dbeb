"""Reads a scene back from its pixels: background and shape colour, shape, size and position.
Plain pixel analysis (no learned model), so it can judge the generator without sharing its mistakes.

    /usr/bin/python3 training/classify.py --validate 1000   # accuracy on real dataset images
"""
import argparse

import numpy as np
from scipy import ndimage

import scenes

NAMES = list(scenes.COLOURS)
PALETTE = np.array([scenes.COLOURS[n] for n in NAMES], np.float32)
SIZE_THRESHOLD = (scenes.SIZES['small'][1] + scenes.SIZES['large'][0]) / 2
FIELDS = ('colour', 'shape', 'size', 'position', 'background')


def nearest_colour(rgb):
    return NAMES[int(np.argmin(((PALETTE - rgb) ** 2).sum(1)))]


def classify(img):
    """img: uint8 or float [H, W, 3] in 0..255. Returns a dict of FIELDS (None where no shape is found)."""
    img = np.asarray(img, np.float32)
    border = np.concatenate([img[:2].reshape(-1, 3), img[-2:].reshape(-1, 3), img[:, :2].reshape(-1, 3),
                             img[:, -2:].reshape(-1, 3)])
    bg = np.median(border, axis=0)
    rough = np.linalg.norm(img - bg, axis=2) > 60
    labels, n = ndimage.label(rough)
    result = dict.fromkeys(FIELDS)
    result['background'] = nearest_colour(bg)
    if n == 0:
        return result
    biggest = labels == (1 + int(np.argmax(ndimage.sum(rough, labels, range(1, n + 1)))))
    core = ndimage.binary_erosion(biggest)
    fg = np.median(img[core if core.any() else biggest], axis=0)
    result['colour'] = nearest_colour(fg)
    # Coverage of each pixel by the shape, from where it lies between background and shape colour;
    # half-covered edge pixels then count as in the anti-aliased renderer.
    d = fg - bg
    cover = ((img - bg) @ d) / max(float(d @ d), 1e-6)
    labels, n = ndimage.label(cover > 0.5)
    if n == 0:
        return result
    mask = labels == (1 + int(np.argmax(ndimage.sum(cover > 0.5, labels, range(1, n + 1)))))
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    side = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    result['size'] = 'small' if side < SIZE_THRESHOLD else 'large'
    result['position'] = min(scenes.POSITIONS,
                             key=lambda p: (scenes.POSITIONS[p][0] - cx) ** 2 + (scenes.POSITIONS[p][1] - cy) ** 2)
    h, w = mask.shape

    def iou(shape):
        t = scenes.shape_mask(shape, cx, cy, side, n=w) > 0.5
        return (t & mask).sum() / max((t | mask).sum(), 1)

    result['shape'] = max(scenes.SHAPES, key=iou)
    return result


def truth(scene):
    size, colour, shape, pos, bg = scene
    return {'colour': colour, 'shape': shape, 'size': size, 'position': pos, 'background': bg}


def score(pairs):
    """pairs: (predicted, true) dicts → fraction right per field."""
    return {f: sum(p[f] == t[f] for p, t in pairs) / max(len(pairs), 1) for f in FIELDS}


def to_uint8(img):
    """[3, H, W] in [-1, 1] → [H, W, 3] uint8, as the engine writes PNGs."""
    return np.clip(np.round((np.transpose(img, (1, 2, 0)) + 1) * 127.5), 0, 255).astype(np.uint8)


def validate(n, seed=7):
    """Accuracy on n freshly rendered dataset images (training and held-out scenes alike)."""
    rng = np.random.default_rng(seed)
    pairs = []
    for i in rng.integers(0, len(scenes.ALL_SCENES), n):
        scene = scenes.ALL_SCENES[i]
        pairs.append((classify(to_uint8(scenes.render(scene, rng)[0])), truth(scene)))
    return score(pairs)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--validate', type=int, default=1000, help='number of dataset images to check')
    args = ap.parse_args()
    print({k: round(v, 4) for k, v in validate(args.validate).items()})
