"""Replaces each multi-head attention that torch.onnx.export writes for networks.Attention (per head: reshape
and transpose of q, k and v, q·kᵀ / √d, softmax, ·v, transpose and reshape back: a dozen nodes) with one
com.microsoft.MultiHeadAttention node, onnxruntime's fused CPU kernel: fewer nodes for its thread pool to
hand out, no transposed copies. It computes the same attention with its scale as a product (·1/√d rather
than /√d), so outputs move by float32 rounding only. Used by export.py after foldShapes.py (it matches the
folded graph, where every reshape target is a constant)."""
import numpy as np
from onnx import helper, numpy_helper

from foldShapes import used_nodes

DOMAIN = 'com.microsoft'
Q_PERM, K_PERM = [0, 2, 1, 3], [0, 2, 3, 1]


def _perm(node):
    return next((list(helper.get_attribute_value(a)) for a in node.attribute if a.name == 'perm'), None)


class _Graph:
    def __init__(self, graph):
        self.nodes = list(graph.node)
        self.producer = {o: n for n in self.nodes for o in n.output}
        self.consumers = {}
        for n in self.nodes:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        self.constants.update({n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in self.nodes
                               if n.op_type == 'Constant' and n.attribute[0].name == 'value'})

    def made_by(self, name, op):
        node = self.producer.get(name)
        return node if node is not None and node.op_type == op else None

    def only_consumer(self, name, op):
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op else None

    def head_split(self, name, perm):
        """The projection and the head count behind Transpose(Reshape(projection, [b, n, heads, d]), perm)."""
        t = self.made_by(name, 'Transpose')
        r = self.made_by(t.input[0], 'Reshape') if t is not None and _perm(t) == perm else None
        target = self.constants.get(r.input[1]) if r is not None else None
        if target is None or target.shape != (4,):
            return None
        return r.input[0], int(target[2]), int(target[3])


def _match(g, softmax):
    """(query, key, value, heads, scale, output) of the attention around `softmax`, or None."""
    div = g.made_by(softmax.input[0], 'Div')
    scores = g.made_by(div.input[0], 'MatMul') if div is not None else None
    divisor = g.constants.get(div.input[1]) if div is not None else None
    weighted = g.only_consumer(softmax.output[0], 'MatMul')
    if scores is None or divisor is None or divisor.size != 1 or weighted is None:
        return None
    q, k, v = (g.head_split(scores.input[0], Q_PERM), g.head_split(scores.input[1], K_PERM),
               g.head_split(weighted.input[1], Q_PERM))
    back = g.only_consumer(weighted.output[0], 'Transpose')
    merge = g.only_consumer(back.output[0], 'Reshape') if back is not None and _perm(back) == Q_PERM else None
    if None in (q, k, v, merge) or len({q[1:], k[1:], v[1:]}) != 1:
        return None
    heads, d = q[1], q[2]
    target = g.constants.get(merge.input[1])
    if target is None or target.shape != (3,) or target[2] != heads * d:
        return None
    return q[0], k[0], v[0], heads, 1 / float(np.asarray(divisor).reshape(())), merge.output[0]


def fuse_attention(model):
    """The model with every matched attention fused; returns it and how many were fused."""
    g = _Graph(model.graph)
    fused = []
    for softmax in [n for n in g.nodes if n.op_type == 'Softmax']:
        found = _match(g, softmax)
        if found is None:
            continue
        q, k, v, heads, scale, out = found
        # MultiHeadAttention's default scale is 1/√head_size; an explicit one keeps any other divisor.
        node = helper.make_node('MultiHeadAttention', [q, k, v], [out], domain=DOMAIN, num_heads=heads,
                                scale=scale, name=f'{out}_attention')
        fused.append(node)
        g.producer[out] = node
    if not fused:
        return model, 0
    outputs = {n.output[0] for n in fused}
    nodes = [n for n in g.nodes if not set(n.output) & outputs] + fused
    del model.graph.node[:]
    model.graph.node.extend(used_nodes(_sorted(nodes, model.graph), [o.name for o in model.graph.output]))
    if not any(o.domain == DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(DOMAIN, 1))
    return model, len(fused)


def _sorted(nodes, graph):
    """Nodes in an order where each comes after the producers of its inputs."""
    ready = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {''}
    done, pending = [], nodes
    while pending:
        left = []
        for n in pending:
            if set(n.input) <= ready:
                done.append(n)
                ready.update(n.output)
            else:
                left.append(n)
        if len(left) == len(pending):
            raise ValueError('graph has a cycle or an input nothing produces')
        pending = left
    return done

