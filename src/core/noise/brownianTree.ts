// torchsde's BrownianTree (google-research/torchsde, torchsde/_brownian/derived.py and
// brownian_interval.py): a BrownianInterval with `halfway_tree=True`, tolerance 1e-6, pool size 24
// and no Lévy area, the way k-diffusion's BatchedBrownianTree builds it. Every node of
// the binary tree over [t0, t1] owns a torch seed drawn from numpy's SeedSequence(entropy,
// spawn_key=(key, depth), pool_size=24); a child's increment is the Brownian-bridge sample
// mean + √var·randn(parent's seed), in float32 as torch computes it. Nodes split at their rounded
// midpoint until a query's ends are node boundaries, so the path depends only on the entropy.
import { TorchGenerator } from '../rng/torchGenerator';
import { SeedSequence } from '../rng/seedSequence';
import { addInto, bridgeChildren } from './bridgeKernel';
import { pythonRound } from './pythonRound';

const POOL_SIZE = 24;
const DIGITS = 6; // tol = 1e-6: torchsde rounds every time to -int(log10(tol)) decimals
// torchsde keeps 45 node increments; values do not depend on the cache, so small ones keep more.
const MIN_CACHE_SIZE = 45;
const CACHE_BYTES = 64 * 2 ** 20;
const f32 = Math.fround;

class TreeNode {
  midway: number | undefined;
  left: TreeNode | undefined;
  right: TreeNode | undefined;
  /** Seed of the noise this node's children share (set when it splits). */
  seed = 0;
  readonly spawnKey: bigint;
  readonly depth: number;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly parent: TreeNode | undefined,
    readonly isLeft: boolean,
  ) {
    this.spawnKey = parent ? 2n * parent.spawnKey + (isLeft ? 0n : 1n) : 0n;
    this.depth = parent ? parent.depth + 1 : 0;
  }
}

export class BrownianTree {
  private readonly root: TreeNode;
  private readonly rootIncrement: Float32Array;
  /** Recent node increments, least recently used first (torchsde's _LRUDict; values are pure
   * functions of the tree, so the cache only saves time). */
  private readonly cache = new Map<TreeNode, Float32Array>();
  private readonly cacheSize: number;
  /** The last query's answer (a prefetched query is asked again: brownianNoiseSampler.ts). */
  private last: { from: number; to: number; value: Float32Array } | undefined;

  /** A Brownian motion of `size` independent float32 components over [t0, t1], seeded by `entropy`
   * (any non-negative integer, as torchsde's `entropy=`). */
  constructor(
    t0: number,
    t1: number,
    private readonly size: number,
    private readonly entropy: bigint,
  ) {
    if (!(t0 < t1)) throw new RangeError(`BrownianTree: need t0 < t1, got [${t0}, ${t1}]`);
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`BrownianTree: invalid size ${size}`);
    this.cacheSize = Math.max(MIN_CACHE_SIZE, Math.floor(CACHE_BYTES / (4 * size)));
    this.root = new TreeNode(pythonRound(t0, DIGITS), pythonRound(t1, DIGITS), undefined, false);
    const wSeed = new SeedSequence(entropy, [], POOL_SIZE).generateState(1)[0];
    this.rootIncrement = scaled(this.randn(wSeed), f32(Math.sqrt(t1 - t0)));
  }

  /** W(tb) − W(ta) (BrownianInterval.__call__(ta, tb)): times are clamped to the tree's rounded
   * range, then rounded; the increment is the float32 sum over the nodes covering [ta, tb]. A new array
   * each call. */
  increment(ta: number, tb: number): Float32Array {
    const { start, end } = this.root;
    const a = Math.min(Math.max(ta, start), end);
    const b = Math.min(Math.max(tb, start), end);
    if (a > b) throw new RangeError(`BrownianTree: query times must satisfy ta <= tb, got ${ta} and ${tb}`);
    const [from, to] = [pythonRound(a, DIGITS), pythonRound(b, DIGITS)];
    if (this.last?.from === from && this.last.to === to) return Float32Array.from(this.last.value);
    const out = new Float32Array(this.size);
    // torchsde returns zeros when ta == tb; times within the tolerance of each other are no
    // interval either (torchsde would split towards an empty node), so they get zeros too.
    if (from === to) return out;
    const nodes: TreeNode[] = [];
    this.locate(this.root, from, to, nodes);
    out.set(this.nodeIncrement(nodes[0]));
    for (const node of nodes.slice(1)) addInto(out, this.nodeIncrement(node));
    this.last = { from, to, value: Float32Array.from(out) };
    return out;
  }

  /** _loc_inner, searching down from the root (where torchsde starts from its last query the same
   * nodes are reached): appends the nodes that exactly tile [ta, tb], splitting nodes as needed. */
  private locate(node: TreeNode, ta: number, tb: number, out: TreeNode[]): void {
    if (ta === node.start && tb === node.end) {
      out.push(node);
      return;
    }
    if (node.midway === undefined) this.split(node, ta === node.start ? tb : ta);
    const midway = node.midway!;
    if (tb <= midway) this.locate(node.left!, ta, tb, out);
    else if (ta >= midway) this.locate(node.right!, ta, tb, out);
    else {
      this.locate(node.left!, ta, midway, out);
      this.locate(node.right!, midway, tb, out);
    }
  }

  /** _split with halfway_tree: halve (at the rounded midpoint) until `at` is a boundary. */
  private split(node: TreeNode, at: number): void {
    const midway = pythonRound(0.5 * (node.end + node.start), DIGITS);
    node.midway = midway;
    // Word 0 of generate_state(4) (W, H and two Lévy-area seeds); a word does not depend on n.
    node.seed = new SeedSequence(this.entropy, [node.spawnKey, node.depth], POOL_SIZE).generateState(1)[0];
    node.left = new TreeNode(node.start, midway, node, true);
    node.right = new TreeNode(midway, node.end, node, false);
    if (at > midway) this.split(node.right, at);
    else if (at < midway) this.split(node.left, at);
  }

  /** _increment_and_space_time_levy_area without H: a child's increment is the Brownian-bridge
   * sample between its parent's ends. Both children use the parent's noise, so both are made from
   * one draw. */
  private nodeIncrement(node: TreeNode): Float32Array {
    const parent = node.parent;
    if (!parent) return this.rootIncrement;
    const cached = this.cache.get(node);
    if (cached) {
      this.cache.delete(node);
      this.cache.set(node, cached);
      return cached;
    }
    const [left, right] = this.bridge(parent);
    this.remember(parent.left!, left);
    this.remember(parent.right!, right);
    return node.isLeft ? left : right;
  }

  private bridge(parent: TreeNode): [Float32Array, Float32Array] {
    const w = this.nodeIncrement(parent);
    const hReciprocal = 1 / (parent.end - parent.start);
    const leftDiff = parent.midway! - parent.start;
    const rightDiff = parent.end - parent.midway!;
    // mean = left_diff * W * h_reciprocal and left_diff * right_diff * h_reciprocal as Python and
    // torch evaluate them: float32 tensor × float32(scalar), left to right; the variance in double.
    const [leftDiff32, hReciprocal32] = [f32(leftDiff), f32(hReciprocal)];
    const std = f32(Math.sqrt(leftDiff * rightDiff * hReciprocal));
    const left = new Float32Array(this.size);
    const right = new Float32Array(this.size);
    bridgeChildren(w, this.randn(parent.seed), [leftDiff32, hReciprocal32, std], left, right);
    return [left, right];
  }

  private remember(node: TreeNode, value: Float32Array): void {
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(node, value);
  }

  /** torchsde's _randn: a fresh CPU torch.Generator seeded with the node's seed. */
  private randn(seed: number): Float32Array {
    return new TorchGenerator(seed).randn([this.size]);
  }
}

function scaled(values: Float32Array, factor: number): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = values[i] * factor;
  return values;
}
