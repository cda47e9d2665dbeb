#!/usr/bin/python3
"""Writes float16 copies of family fixture folders, as ONNX Stable Diffusion folders exported in half precision
come (Optimum's `--dtype fp16`, onnxruntime's optimize_pipeline.py --float16): every float32 weight, constant,
input, output and intermediate value becomes float16, integer inputs stay as they are.

    /usr/bin/python3 scripts/make_fp16_models.py      # after make_family_models.py

tiny-sd15 -> tiny-sd15-fp16 and tiny-sdxl -> tiny-sdxl-fp16 (the VAE's config keeps force_upcast true, as
SDXL's fp16 folders ship it). The weights are the float32 fixture's rounded to float16, so a test can compare
the two folders' images. torch 1.13 on CPU cannot trace a half-precision model (no float16 convolution), so
the conversion works on the exported graphs: initializers and Constant/ConstantOfShape tensors are rounded
(but Resize's scales, which ONNX defines as float32),
Cast(to=float) becomes Cast(to=float16), and every float32 type annotation becomes float16.
"""
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from make_test_models import ROOT

FOLDERS = {'tiny-sd15': 'tiny-sd15-fp16', 'tiny-sdxl': 'tiny-sdxl-fp16'}


def half_tensor(t):
    """The float32 tensor `t` rounded to float16, in place."""
    if t.data_type == TensorProto.FLOAT:
        t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name))


def half_types(values):
    for v in values:
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16


def float_only(graph):
    """Names of values ONNX requires in float32 whatever the model's precision: Resize's roi and scales."""
    return {name for node in graph.node if node.op_type == 'Resize' for name in node.input[1:3] if name}


def half_graph(graph):
    keep = float_only(graph)
    for t in graph.initializer:
        if t.name not in keep:
            half_tensor(t)
    for node in graph.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR and not keep.intersection(node.output):
                half_tensor(a.t)
            elif a.type == onnx.AttributeProto.GRAPH:
                half_graph(a.g)
            elif node.op_type == 'Cast' and a.name == 'to' and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    half_types(graph.input)
    half_types(graph.output)
    half_types(graph.value_info)


def half_folder(source, target):
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    for folder, _, files in os.walk(target):
        for name in files:
            if name == 'model.onnx':
                path = os.path.join(folder, name)
                model = onnx.load(path)
                half_graph(model.graph)
                onnx.checker.check_model(model)
                onnx.save(model, path)


def main():
    for source, target in FOLDERS.items():
        half_folder(os.path.join(ROOT, source), os.path.join(ROOT, target))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(ROOT, target)) for f in fs)
        print(f'{target}: {size // 1024} kB')


if __name__ == '__main__':
    main()
