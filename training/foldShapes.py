"""Folds the shape arithmetic torch.onnx.export writes around every reshape (Shape → Gather → Unsqueeze →
Concat → Reshape) in a graph whose only free dimension is the batch, first in every tensor that has it (the
export's dynamic axes). The exporter reads each size from the tensor at run time, so such a graph keeps about
300 nodes onnxruntime cannot fold: its constant folding needs a tensor's whole shape, and the batch is never
known. Here each size is taken from ONNX shape inference instead: a Reshape target becomes a constant (the
batch as 0, Reshape's "keep this dim", or as -1, "the rest"), a node whose value is known becomes a constant,
and the nodes no longer used go. The arithmetic left is the same, so outputs stay the same bit for bit.
Used by export.py; `python3 training/foldShapes.py in.onnx out.onnx` folds a file."""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

# Integer ops on known values that shape arithmetic uses; numpy computes them as ONNX does for the
# non-negative sizes seen here (Div: integer division).
ARITHMETIC = {'Add': np.add, 'Sub': np.subtract, 'Mul': np.multiply}


def _dims(model):
    """Tensor name → its dims, each an int (fixed) or None (free: the batch), for every tensor shape inference
    gives a shape."""
    g = model.graph
    out = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        t = vi.type.tensor_type
        if t.HasField('shape'):
            out[vi.name] = [d.dim_value if d.HasField('dim_value') else None for d in t.shape.dim]
    return out


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


class _Values:
    """What is known about each integer tensor: `known` full values; `partial` 1-D vectors (None where free);
    `free` names of scalars that are the free size."""

    def __init__(self, model):
        self.known = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        self.partial = {}
        self.free = set()

    def vector(self, name):
        """A 1-D vector as a list with None where free, or None when nothing is known of it."""
        if name in self.partial:
            return self.partial[name]
        v = self.known.get(name)
        return [int(x) for x in v] if v is not None and v.ndim == 1 and v.dtype.kind == 'i' else None

    def evaluate(self, node, dims):
        k, ins, out = self.known, node.input, node.output[0]
        if node.op_type == 'Constant':
            if _attr(node, 'value') is not None:
                k[out] = numpy_helper.to_array(_attr(node, 'value'))
        elif node.op_type == 'Shape' and ins[0] in dims:
            shape = dims[ins[0]]
            if None not in shape:
                k[out] = np.array(shape, dtype=np.int64)
            else:
                self.partial[out] = shape
        elif node.op_type == 'Gather' and ins[1] in k and _attr(node, 'axis', 0) == 0:
            self._gather(ins[0], k[ins[1]], out)
        elif node.op_type == 'Unsqueeze' and len(ins) == 2 and ins[1] in k:
            if ins[0] in k:
                k[out] = np.expand_dims(k[ins[0]], tuple(int(a) for a in k[ins[1]]))
            elif ins[0] in self.free and list(k[ins[1]]) == [0]:
                self.partial[out] = [None]
        elif node.op_type == 'Concat' and _attr(node, 'axis') == 0:
            parts = [self.vector(i) for i in ins]
            if all(p is not None for p in parts):
                joined = [d for p in parts for d in p]
                if None in joined:
                    self.partial[out] = joined
                else:
                    k[out] = np.array(joined, dtype=np.int64)
        elif all(i in k for i in ins):
            self._arithmetic(node, out)

    def _gather(self, data, idx, out):
        vec = self.vector(data)
        if vec is None or idx.dtype.kind != 'i':
            return
        picked = [vec[int(i)] for i in idx.reshape(-1)]
        if idx.ndim == 0:
            if picked[0] is None:
                self.free.add(out)
            else:
                self.known[out] = np.array(picked[0], dtype=np.int64)
        elif None in picked:
            self.partial[out] = picked
        else:
            self.known[out] = np.array(picked, dtype=np.int64)

    def _arithmetic(self, node, out):
        a = [self.known[i] for i in node.input]
        if node.op_type in ARITHMETIC and all(x.dtype.kind == 'i' for x in a):
            self.known[out] = ARITHMETIC[node.op_type](a[0], a[1])
        elif node.op_type == 'Div' and all(x.dtype.kind == 'i' for x in a):
            self.known[out] = a[0] // a[1]
        elif node.op_type == 'Cast':
            self.known[out] = a[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[_attr(node, "to")])


def _fold_once(model):
    """One pass: returns the rewritten model and how many nodes it changed."""
    model = shape_inference.infer_shapes(model)
    dims = _dims(model)
    values = _Values(model)
    nodes, changed = [], 0
    for node in model.graph.node:
        values.evaluate(node, dims)
        out = node.output[0] if node.output else None
        if node.op_type != 'Constant' and len(node.output) == 1 and out in values.known:
            nodes.append(helper.make_node('Constant', [], [out], value=numpy_helper.from_array(values.known[out])))
            changed += 1
            continue
        if node.op_type == 'Reshape' and node.input[1] in values.partial:
            target = _reshape_target(values.partial[node.input[1]], dims.get(node.input[0]))
            if target is not None:
                name = f'{node.input[1]}_folded'
                shape = np.array(target, dtype=np.int64)
                nodes.append(helper.make_node('Constant', [], [name], value=numpy_helper.from_array(shape)))
                node.input[1] = name
                changed += 1
        nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(used_nodes(nodes, [o.name for o in model.graph.output]))
    del model.graph.value_info[:]
    return model, changed


def _reshape_target(target, data):
    """A constant Reshape target for `target` (None where free) on a tensor of dims `data`, or None: the batch
    where the data has it becomes 0 (Reshape's "keep that dim"), else, where it is the only unknown, -1."""
    out = [d if d is not None else 0 if data and i < len(data) and data[i] is None else None
           for i, d in enumerate(target)]
    if None not in out:
        return out
    return [-1 if d is None else d for d in out] if out.count(None) == 1 and -1 not in out else None


def used_nodes(nodes, outputs):
    """The nodes that the graph outputs depend on, in their order."""
    needed = set(outputs)
    keep = []
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    return keep[::-1]


def fold_shapes(model):
    """The model with its shape arithmetic folded, repeated until a pass changes nothing (a folded reshape
    gives shape inference the shape that the next reshape's sizes are read from)."""
    while True:
        model, changed = _fold_once(model)
        if not changed:
            return model


def main():
    src, dst = sys.argv[1:3]
    before = onnx.load(src)
    after = fold_shapes(before)
    onnx.checker.check_model(after)
    onnx.save(after, dst)
    print(f'{src}: {len(before.graph.node)} nodes → {dst}: {len(after.graph.node)}')


if __name__ == '__main__':
    main()
