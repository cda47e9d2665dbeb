"""Synthetic captioned scenes: one flat-coloured shape on a flat background, rendered on the fly.

Every scene is a tuple (size, colour, shape, position, background). A fixed tenth of all tuples is
held out of training so the quality check measures captions the model never saw.
"""
import itertools
import numpy as np

IMAGE_SIZE = 64
COLOURS = {
    'red': (220, 30, 30),
    'green': (30, 170, 50),
    'blue': (30, 70, 220),
    'yellow': (240, 220, 30),
    'purple': (140, 50, 190),
    'orange': (245, 130, 20),
    'white': (245, 245, 245),
    'black': (20, 20, 20),
}
SHAPES = ('circle', 'square', 'triangle', 'diamond')
SIZES = {'small': (13, 17), 'large': (25, 31)}  # side of the bounding box in pixels, inclusive range
POSITIONS = {  # centre of each region (x, y) in pixels
    'top left': (19, 19),
    'top right': (45, 19),
    'bottom left': (19, 45),
    'bottom right': (45, 45),
    'center': (32, 32),
}
JITTER = 3  # pixels the centre may move inside its region: the layout freedom a caption leaves
SUPERSAMPLE = 2  # render at 2x and average, for anti-aliased edges
HELD_OUT_FRACTION = 0.1
SPLIT_SEED = 1234

ALL_SCENES = [
    (size, colour, shape, pos, bg)
    for size, colour, shape, pos, bg in itertools.product(SIZES, COLOURS, SHAPES, POSITIONS, COLOURS)
    if colour != bg
]


def _split():
    order = np.random.default_rng(SPLIT_SEED).permutation(len(ALL_SCENES))
    n_held = int(round(len(ALL_SCENES) * HELD_OUT_FRACTION))
    held = sorted(order[:n_held].tolist())
    train = sorted(order[n_held:].tolist())
    return [ALL_SCENES[i] for i in train], [ALL_SCENES[i] for i in held]


TRAIN_SCENES, HELD_OUT_SCENES = _split()


def caption(scene, drop_size=False, drop_position=False, drop_background=False):
    size, colour, shape, pos, bg = scene
    words = ['a'] + ([] if drop_size else [size]) + [colour, shape]
    if not drop_position:
        words += ['in the center'] if pos == 'center' else ['at the', pos]
    if not drop_background:
        words += ['on a', bg, 'background']
    return ' '.join(words)


def shape_mask(shape, cx, cy, side, n=IMAGE_SIZE, supersample=SUPERSAMPLE):
    """Coverage in [0,1] of `shape` with bounding box `side` centred at (cx, cy), on an n×n grid."""
    m = n * supersample
    coords = (np.arange(m) + 0.5) / supersample
    x = coords[None, :] - cx
    y = coords[:, None] - cy
    h = side / 2
    if shape == 'circle':
        inside = x * x + y * y <= h * h
    elif shape == 'square':
        inside = (np.abs(x) <= h) & (np.abs(y) <= h)
    elif shape == 'triangle':  # pointing up: width grows from apex (top) to base (bottom)
        inside = (np.abs(y) <= h) & (np.abs(x) <= (y + h) / 2)
    elif shape == 'diamond':
        inside = np.abs(x) + np.abs(y) <= h
    else:
        raise ValueError(f'unknown shape {shape!r}')
    return inside.reshape(n, supersample, n, supersample).mean(axis=(1, 3))


def render(scene, rng):
    """RGB float32 image [3, H, W] in [-1, 1] and the sampled layout (cx, cy, side)."""
    size, colour, shape, pos, bg = scene
    lo, hi = SIZES[size]
    side = rng.uniform(lo, hi)
    px, py = POSITIONS[pos]
    cx = px + rng.uniform(-JITTER, JITTER)
    cy = py + rng.uniform(-JITTER, JITTER)
    cover = shape_mask(shape, cx, cy, side)[None]
    fg = np.array(COLOURS[colour], np.float32)[:, None, None]
    back = np.array(COLOURS[bg], np.float32)[:, None, None]
    img = back * (1 - cover) + fg * cover
    return (img / 127.5 - 1).astype(np.float32), (cx, cy, side)


def batch(rng, n, scenes=TRAIN_SCENES, drop_rates=(0.15, 0.15, 0.1)):
    """n rendered training images [n,3,H,W] and captions; attributes are sometimes left out of the
    caption (the image still has them) so a caption that leaves something free gives varied layouts."""
    picks = rng.integers(0, len(scenes), n)
    imgs, caps = [], []
    for i in picks:
        img, _ = render(scenes[i], rng)
        imgs.append(img)
        drops = [rng.random() < r for r in drop_rates]
        caps.append(caption(scenes[i], *drops))
    return np.stack(imgs), caps
