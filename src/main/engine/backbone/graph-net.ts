/**
 * A tfjs graph model (model.json + weights) rebuilt as trainable parameters (issue #15): the
 * graph's float weights become named variables in the engine's `Params` (so checkpoints, resume,
 * the data-parallel helper and exports treat them like any other layer), and the forward pass
 * executes the graph's own ops on them. Two rewrites keep it fast and exact: `Pad` feeding a
 * convolution becomes the convolution's explicit padding, and the converter's PReLU pattern
 * `max(0, x) + gamma * min(0, x)` becomes one `prelu`. Only the ops the shipped backbones use
 * are supported; anything else is refused when the graph is loaded.
 */
import * as tf from '@tensorflow/tfjs';
import { columnMeans, type Ctx } from '../models/layers.ts';
import type { Params } from '../models/params.ts';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { i?: string[] }; s?: string }>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/** The parsed graph: ops by name, constant values, and the output node. */
export interface GraphNet {
  nodes: Map<string, GraphNode>;
  /** every constant's values and shape (weights become variables, the rest stay constants) */
  consts: Map<string, { shape: number[]; values: Float32Array | Int32Array }>;
  /** constants turned into variables: float, more than one value */
  weights: string[];
  input: string;
  output: string;
}

const SUPPORTED = new Set(['Const', 'Placeholder', 'Sub', 'Mul', 'AddV2', 'Add', 'Pad', 'Conv2D', 'DepthwiseConv2dNative', 'Maximum', 'Minimum', 'Reshape', 'MatMul']);

/** Parses `model.json` (as an object) and its weights file into a `GraphNet`. */
export function parseGraph(modelJson: { modelTopology: { node: GraphNode[] }; weightsManifest: { weights: WeightSpec[] }[] }, weightData: Uint8Array): GraphNet {
  const nodes = new Map(modelJson.modelTopology.node.map((n) => [n.name, n] as const));
  const unsupported = [...nodes.values()].filter((n) => !SUPPORTED.has(n.op)).map((n) => n.op);
  if (unsupported.length) throw new Error(`graph backbone uses unsupported ops: ${[...new Set(unsupported)].join(', ')}`);
  const consts = new Map<string, { shape: number[]; values: Float32Array | Int32Array }>();
  let offset = 0;
  for (const w of modelJson.weightsManifest.flatMap((g) => g.weights)) {
    if (w.quantization) throw new Error(`graph backbone weight ${w.name} is quantized; only float32 weights are supported`);
    const count = w.shape.reduce((a, b) => a * b, 1);
    const bytes = weightData.slice(offset, offset + 4 * count);
    offset += 4 * count;
    consts.set(w.name, { shape: w.shape, values: w.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer) });
  }
  if (offset !== weightData.length) throw new Error(`graph backbone weights: read ${offset} of ${weightData.length} bytes`);
  const weights = [...consts.entries()].filter(([, c]) => c.values instanceof Float32Array && c.values.length > 1).map(([name]) => name);
  const consumed = new Set([...nodes.values()].flatMap((n) => n.input ?? []));
  const outputs = [...nodes.values()].filter((n) => n.op !== 'Const' && !consumed.has(n.name));
  const input = [...nodes.values()].find((n) => n.op === 'Placeholder');
  if (outputs.length !== 1 || !input) throw new Error('graph backbone must have one input and one output');
  return { nodes, consts, weights, input: input.name, output: outputs[0].name };
}

export const paramName = (weight: string): string => `backbone/${weight}`;

/** Adds the graph's weights to `p` with their pretrained values; `trainable(weight)` picks what fine-tunes. */
export function graphNetParams(p: Params, net: GraphNet, trainable: (weight: string) => boolean): void {
  for (const w of net.weights) {
    const c = net.consts.get(w)!;
    const v = p.constant(paramName(w), c.shape, 0, trainable(w));
    tf.tidy(() => v.assign(tf.tensor(c.values, c.shape, 'float32')));
  }
}

/**
 * PReLU with a hand-written gradient (as in models/layers.ts): dx = dy * (x > 0 ? 1 : alpha),
 * dalpha = column sums of dy * min(x, 0). tfjs's own Prelu gradient goes through Greater and
 * Select, which took 1.8 of 11 s of a mobileface training step on wasm.
 */
const preluOp = tf.customGrad(((x: tf.Tensor, alpha: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, alpha]);
  return {
    value: tf.prelu(x, alpha),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, a] = saved;
      const channels = xs.shape[xs.rank - 1];
      const rows = xs.size / channels;
      const scale = tf.step(xs).mul(tf.scalar(1).sub(a)).add(a);
      return [dy.mul(scale), columnMeans(dy.mul(xs.sub(tf.relu(xs))).reshape([rows, channels]) as tf.Tensor2D).mul(rows)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, alpha: tf.Tensor) => tf.Tensor;

/**
 * `x [m, k] @ w [k, n]` whose weight gradient transposes `x` first: wasm's matMul with
 * transposeA is about 10x slower than transposing the small operand (DESIGN.md section 3).
 * 1x1 convolutions run through it too (their filter gradient is this product).
 */
const matMulOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, ws, false, true), tf.matMul(xs.transpose(), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

const inputName = (ref: string): string => ref.replace(/^\^/, '').replace(/:\d+$/, '');
const ints = (node: GraphNode, key: string): number[] => (node.attr?.[key]?.list?.i ?? []).map(Number);

/** Executes the graph on `x` `[N, H, W, C]` with the weights from `ctx.params`; returns the output node's value. */
export function graphNetForward(ctx: Ctx, net: GraphNet, x: tf.Tensor): tf.Tensor {
  const memo = new Map<string, tf.Tensor>([[net.input, x]]);
  const value = (ref: string): tf.Tensor => {
    const name = inputName(ref);
    let t = memo.get(name);
    if (!t) {
      t = evaluate(name);
      memo.set(name, t);
    }
    return t;
  };
  const node = (ref: string): GraphNode => net.nodes.get(inputName(ref))!;
  const constValue = (ref: string): { shape: number[]; values: Float32Array | Int32Array } | undefined => (node(ref).op === 'Const' ? net.consts.get(inputName(ref)) : undefined);
  const isZero = (ref: string): boolean => {
    const c = constValue(ref);
    return !!c && c.values.length === 1 && c.values[0] === 0;
  };

  /** `max(0, a) + g * min(0, a)` (either operand order) as [a, g], or null. */
  const preluPattern = (n: GraphNode): [string, string] | null => {
    const [l, r] = n.input!.map(node);
    for (const [mx, mul] of [[l, r], [r, l]]) {
      if (mx.op !== 'Maximum' || mul.op !== 'Mul') continue;
      const a = mx.input!.find((i) => !isZero(i));
      const mn = mul.input!.map(node).find((m) => m.op === 'Minimum');
      const g = mul.input!.find((i) => node(i).op !== 'Minimum');
      if (a && mn && g && mx.input!.some(isZero) && mn.input!.some(isZero) && mn.input!.some((i) => inputName(i) === inputName(a))) return [a, g];
    }
    return null;
  };

  const conv = (n: GraphNode): tf.Tensor => {
    const [src, filter] = n.input!;
    const strides = ints(n, 'strides');
    const stride: [number, number] = [strides[1] ?? 1, strides[2] ?? 1];
    let input = src;
    let pad: 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]] = atob(n.attr?.padding?.s ?? '') === 'SAME' ? 'same' : 'valid';
    const padNode = node(src);
    if (pad === 'valid' && padNode.op === 'Pad') {
      const p = constValue(padNode.input![1])!.values;
      pad = [[0, 0], [p[2], p[3]], [p[4], p[5]], [0, 0]];
      input = padNode.input![0];
    }
    const w = value(filter) as tf.Tensor4D;
    const x4 = value(input) as tf.Tensor4D;
    const [kh, kw, cin, cout] = w.shape;
    if (n.op === 'Conv2D' && kh === 1 && kw === 1 && stride[0] === 1 && stride[1] === 1 && pad === 'valid') {
      const [b, h, wd] = x4.shape;
      return matMulOp(x4.reshape([b * h * wd, cin]), w.reshape([cin, cout])).reshape([b, h, wd, cout]);
    }
    return n.op === 'Conv2D' ? tf.conv2d(x4, w, stride, pad) : tf.depthwiseConv2d(x4, w, stride, pad);
  };

  function evaluate(name: string): tf.Tensor {
    const n = net.nodes.get(name);
    if (!n) throw new Error(`graph backbone: no node ${name}`);
    const ins = n.input ?? [];
    switch (n.op) {
      case 'Const': {
        if (net.weights.includes(name)) return ctx.params.get(paramName(name));
        const c = net.consts.get(name)!;
        return tf.tensor(c.values, c.shape, c.values instanceof Int32Array ? 'int32' : 'float32');
      }
      case 'Sub':
        return tf.sub(value(ins[0]), value(ins[1]));
      case 'Mul':
        return tf.mul(value(ins[0]), value(ins[1]));
      case 'Add':
      case 'AddV2': {
        const pattern = preluPattern(n);
        if (pattern) return preluOp(value(pattern[0]), value(pattern[1]));
        return tf.add(value(ins[0]), value(ins[1]));
      }
      case 'Maximum':
        return tf.maximum(value(ins[0]), value(ins[1]));
      case 'Minimum':
        return tf.minimum(value(ins[0]), value(ins[1]));
      case 'Pad': {
        const p = Array.from(constValue(ins[1])!.values);
        return tf.pad(value(ins[0]), [0, 1, 2, 3].map((i) => [p[2 * i], p[2 * i + 1]] as [number, number]));
      }
      case 'Conv2D':
      case 'DepthwiseConv2dNative':
        return conv(n);
      case 'Reshape':
        return tf.reshape(value(ins[0]), Array.from(constValue(ins[1])!.values));
      case 'MatMul':
        return matMulOp(value(ins[0]) as tf.Tensor2D, value(ins[1]) as tf.Tensor2D);
      default:
        throw new Error(`graph backbone: unsupported op ${n.op}`);
    }
  }
  return value(net.output);
}
