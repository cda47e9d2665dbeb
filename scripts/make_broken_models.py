"""Graphs that load and run but break the pipeline's contract, for the engine's bad-input tests.

    /usr/bin/python3 scripts/make_broken_models.py [--out test/fixtures/models/broken-graphs]

Each file replaces one component of a copy of test/fixtures/models/tiny-sd (whose names and
dtypes it keeps), written with Debian's python3-onnx from ONNX operators alone: no weights, a few
hundred bytes each, byte-identical on a rerun.
"""
import argparse
import os

import onnx
from onnx import TensorProto, helper

OPSET = [helper.make_opsetid('', 14)]
F = TensorProto.FLOAT


def value(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def unet_inputs():
    return [value('sample', ['batch', 4, 'height', 'width']), value('timestep', []),
            value('encoder_hidden_states', ['batch', 77, 32])]


def const(name, values, dtype=TensorProto.INT64):
    return helper.make_node('Constant', [], [name], value=helper.make_tensor(name, dtype, [len(values)], values))


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name='diffusion-lab broken fixtures')
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def unet_half_channels():
    """out_sample keeps only the first two latent channels."""
    nodes = [const('starts', [0]), const('ends', [2]), const('axes', [1]),
             helper.make_node('Slice', ['sample', 'starts', 'ends', 'axes'], ['out_sample'])]
    return helper.make_graph(nodes, 'unet_half_channels', unet_inputs(),
                             [value('out_sample', ['batch', 2, 'height', 'width'])])


def unet_double_height():
    """out_sample is the sample stacked on itself along the height."""
    nodes = [helper.make_node('Concat', ['sample', 'sample'], ['out_sample'], axis=2)]
    return helper.make_graph(nodes, 'unet_double_height', unet_inputs(),
                             [value('out_sample', ['batch', 4, 'height2', 'width'])])


def vae_one_channel():
    """The decoder returns one channel instead of RGB."""
    nodes = [const('starts', [0]), const('ends', [1]), const('axes', [1]),
             helper.make_node('Slice', ['latent_sample', 'starts', 'ends', 'axes'], ['sample'])]
    return helper.make_graph(nodes, 'vae_one_channel', [value('latent_sample', ['batch', 4, 'height', 'width'])],
                             [value('sample', ['batch', 1, 'height', 'width'])])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/models/broken-graphs')
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    for name, graph in [('unet-half-channels', unet_half_channels()),
                        ('unet-double-height', unet_double_height()),
                        ('vae-one-channel', vae_one_channel())]:
        save(graph, os.path.join(out, f'{name}.onnx'))
        print(f'wrote {out}/{name}.onnx')


if __name__ == '__main__':
    main()
