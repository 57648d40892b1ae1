/**
 * Convolution gradient kernels for the wasm backend, built from wasm's own XNNPACK Conv2D
 * (DESIGN.md section 3). tfjs-wasm 4.22 has no Conv2DBackpropFilter, and its stock
 * Conv2DBackpropInput is 8-11x slower than the forward conv of the same layer.
 *
 * dW (stride s): a stride-1 conv of the transposed input `x^T [Cin, H, W, N]` with the transposed
 *   output gradient `dy^T [OH, OW, N, Cout]` as the filter, dilated by s, with the forward
 *   padding; cropped to [KH, KW] and transposed back to [KH, KW, Cin, Cout].
 * dX (stride 1): a stride-1 conv of `dy` with the flipped, transposed filter `[KH, KW, Cout, Cin]`
 *   and padding (K-1-pad) on each side.
 * dX (stride s > 1), sub-pixel: input rows h with (h + padTop) mod s = r only receive the filter
 *   taps kh = r, r+s, r+2s...; each of the s*s phases is a small stride-1 conv of `dy` with its
 *   own flipped taps, and the phases are interleaved. Same arithmetic as the forward conv, where
 *   convolving a zero-dilated `dy` would multiply s*s times as many zeros (measured on
 *   probe-cnn's stride-2 layers at batch 32: 15 vs 28 ms and 22 vs 35 ms).
 * Filters are flipped and their phase taps picked with one selection matMul (see selectTaps).
 * Only NHWC and dilation-1 forward convs are handled; anything else falls back to the stock kernel.
 * Slice is replaced too (wasm-slice.ts): the stock one copies its whole input out of the heap.
 * Inside a kernel the inputs are used directly as TensorInfos (wrapping them in tensors inside
 * tf.tidy would free shared data); every intermediate is released with `backend.disposeData`.
 */
import * as tf from '@tensorflow/tfjs';
import { sliceKernel } from './wasm-slice.ts';

type Info = tf.TensorInfo;
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];
interface WasmBackend extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
}
interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | ExplicitPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}

/**
 * Groups of filter taps `[kh, kw]`, each returned as a `[JH, JW, Cout, Cin]` filter (taps in
 * row-major order over JH x JW). The filter viewed as rows `[KH*KW, Cin*Cout]` is multiplied by a
 * 0/1 selection matrix: one small matMul (exact: each output is one input times 1 plus zeros)
 * replaces GatherV2 / Reverse / StridedSlice, which move data element by element on wasm
 * (measured on a 3x3x128x256 filter: gather 8 ms, reverse 5.3 ms, selection matMul 0.4 ms).
 */
function selectTaps(s: Scratch, filter: Info, groups: { taps: [number, number][]; height: number; width: number }[]): Info[] {
  const [kh, kw, cin, cout] = filter.shape;
  const total = groups.reduce((n, g) => n + g.taps.length, 0);
  const selection = new Float32Array(total * kh * kw);
  let row = 0;
  for (const g of groups) for (const [r, c] of g.taps) selection[row++ * kh * kw + r * kw + c] = 1;
  const rows = s.run('Reshape', { x: filter }, { shape: [1, kh * kw, cin * cout] });
  const picked = s.run('BatchMatMul', { a: s.float32(selection, [1, total, kh * kw]), b: rows }, { transposeA: false, transposeB: false });
  let first = 0;
  return groups.map((g) => {
    const block = groups.length === 1 ? picked : s.run('Slice', { x: picked }, { begin: [0, first, 0], size: [1, g.taps.length, cin * cout] });
    first += g.taps.length;
    const shaped = s.run('Reshape', { x: block }, { shape: [g.height, g.width, cin, cout] });
    return s.run('Transpose', { x: shaped }, { perm: [0, 1, 3, 2] });
  });
}

/** All taps flipped in both spatial axes, as a `[KH, KW, Cout, Cin]` filter. */
function flippedTransposed(s: Scratch, filter: Info): Info {
  const [kh, kw] = filter.shape;
  const taps: [number, number][] = [];
  for (let r = kh - 1; r >= 0; r--) for (let c = kw - 1; c >= 0; c--) taps.push([r, c]);
  return selectTaps(s, filter, [{ taps, height: kh, width: kw }])[0];
}

/** Runs wasm kernels by name and releases every intermediate except the one returned. */
class Scratch {
  private readonly made: Info[] = [];
  private readonly backend: WasmBackend;
  constructor(backend: WasmBackend) {
    this.backend = backend;
  }
  run(kernel: string, inputs: Record<string, Info>, attrs: Record<string, unknown> = {}): Info {
    const config = tf.getKernel(kernel, 'wasm');
    if (!config) throw new Error(`wasm kernel ${kernel} is not registered`);
    const out = config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as Info;
    this.made.push(out);
    return out;
  }
  /** A small float32 tensor owned by this scratch (selection matrices). */
  float32(values: Float32Array, shape: number[]): Info {
    const info: Info = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.made.push(info);
    return info;
  }
  keep(result: Info): Info {
    for (const info of this.made) if (info !== result) this.backend.disposeData(info.dataId);
    return result;
  }
}

function strideOf(attrs: ConvAttrs): [number, number] {
  return typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
}

function isPlain(attrs: ConvAttrs): boolean {
  const d = attrs.dilations ?? 1;
  return attrs.dataFormat !== 'NCHW' && (d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1));
}

export function conv2dBackpropFilter(args: { inputs: { x: Info; dy: Info }; backend: WasmBackend; attrs: ConvAttrs & { filterShape: [number, number, number, number] } }): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const [kh, kw, cin, cout] = attrs.filterShape;
  const [sh, sw] = strideOf(attrs);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, [sh, sw], 1, attrs.pad, attrs.dimRoundingMode);
  const s = new Scratch(backend);
  const xT = s.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const { top, bottom, left, right } = info.padInfo;
  const full = s.run('Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [sh, sw],
  });
  const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : s.run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
  return s.keep(s.run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] }));
}

/** Taps and placement of one phase along one axis (see the sub-pixel note above). */
interface Phase {
  /** filter taps k = r, r+s, ... (ascending) */
  taps: number[];
  /** first phase row m_lo and count M of the rows it produces */
  first: number;
  count: number;
  /** offset of the phase's first output row within the input, 0..s-1 */
  residue: number;
}

function phasesOf(size: number, kernel: number, stride: number, pad: number): Phase[] {
  return Array.from({ length: stride }, (_, r) => {
    const taps: number[] = [];
    for (let k = r; k < kernel; k += stride) taps.push(k);
    const first = Math.ceil((pad - r) / stride);
    const last = Math.floor((pad + size - 1 - r) / stride);
    return { taps, first, count: Math.max(0, last - first + 1), residue: r + stride * first - pad };
  }).sort((a, b) => a.residue - b.residue);
}

const live = (pr: Phase, pc: Phase): boolean => pr.taps.length > 0 && pc.taps.length > 0 && pr.count > 0 && pc.count > 0;

/**
 * Padding of `dy` along one axis so that a valid conv with a phase's J taps yields exactly its
 * rows m = first .. first+count-1: output o reads dy[o + t - before] with the flipped tap
 * J-1-t, i.e. m = o + J-1 - before. A negative side means dy rows to crop instead (rows no
 * phase row reads); padding J-1 and cropping the result would compute up to (J-1+count)/count
 * times the rows (25 instead of 9 per image on probe-cnn's last layer).
 */
function phasePad(p: Phase, size: number): { before: number; after: number } {
  const before = p.taps.length - 1 - p.first;
  return { before, after: p.first + p.count - size };
}

/** One phase's rows `[N, mh, mw, Cin]` (zero-padded to the common phase size): a valid conv of `dy`. */
function phaseConv(s: Scratch, dy: Info, kernel: Info, pr: Phase, pc: Phase, size: [number, number, number, number]): Info {
  const [n, mh, mw, cin] = size;
  const [, oh, ow, cout] = dy.shape;
  const rows = phasePad(pr, oh);
  const cols = phasePad(pc, ow);
  const crop = Math.min(rows.before, rows.after, cols.before, cols.after) < 0;
  const input = crop
    ? s.run('Slice', { x: dy }, {
        begin: [0, Math.max(0, -rows.before), Math.max(0, -cols.before), 0],
        size: [n, oh - Math.max(0, -rows.before) - Math.max(0, -rows.after), ow - Math.max(0, -cols.before) - Math.max(0, -cols.after), cout],
      })
    : dy;
  const out = s.run('Conv2D', { x: input, filter: kernel }, {
    strides: [1, 1],
    pad: [[0, 0], [Math.max(0, rows.before), Math.max(0, rows.after)], [Math.max(0, cols.before), Math.max(0, cols.after)], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  return pr.count === mh && pc.count === mw
    ? out
    : s.run('PadV2', { x: out }, { paddings: [[0, 0], [0, mh - pr.count], [0, mw - pc.count], [0, 0]], constantValue: 0 });
}

/** Sub-pixel dX for strided convs: one small stride-1 conv per phase, interleaved. */
function backpropInputStrided(s: Scratch, dy: Info, filter: Info, inputShape: [number, number, number, number], stride: [number, number], pad: { top: number; left: number }): Info {
  const [n, h, w, cin] = inputShape;
  const [kh, kw] = filter.shape;
  const [sh, sw] = stride;
  const rows = phasesOf(h, kh, sh, pad.top);
  const cols = phasesOf(w, kw, sw, pad.left);
  const mh = Math.ceil(h / sh);
  const mw = Math.ceil(w / sw);
  // The taps of every live phase (k = r, r+s, ...), flipped, as [JH, JW, Cout, Cin] filters.
  const groups = rows.flatMap((pr) =>
    cols.filter((pc) => live(pr, pc)).map((pc) => {
      const taps: [number, number][] = [];
      for (const r of [...pr.taps].reverse()) for (const c of [...pc.taps].reverse()) taps.push([r, c]);
      return { taps, height: pr.taps.length, width: pc.taps.length };
    }),
  );
  const kernels = selectTaps(s, filter, groups);
  let next = 0;
  const rowBlocks: Info[] = rows.map((pr) => {
    const cells = cols.map((pc) =>
      live(pr, pc) ? phaseConv(s, dy, kernels[next++], pr, pc, [n, mh, mw, cin]) : s.run('Fill', {}, { shape: [n, mh, mw, cin], value: 0, dtype: 'float32' }),
    );
    // Interleave the columns of this row phase: [N, mh, mw, sw, C] -> [N, mh, mw*sw, C].
    return s.run('Reshape', { x: s.run('Pack', cells as unknown as Record<string, Info>, { axis: 3 }) }, { shape: [n, mh, mw * sw, cin] });
  });
  const interleaved = s.run('Reshape', { x: s.run('Pack', rowBlocks as unknown as Record<string, Info>, { axis: 2 }) }, { shape: [n, mh * sh, mw * sw, cin] });
  return mh * sh === h && mw * sw === w ? interleaved : s.run('Slice', { x: interleaved }, { begin: [0, 0, 0, 0], size: [n, h, w, cin] });
}

export function conv2dBackpropInput(args: { inputs: { dy: Info; filter: Info }; backend: WasmBackend; attrs: ConvAttrs & { inputShape: [number, number, number, number] } }): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const [n, h, w, cin] = attrs.inputShape;
  const [kh, kw, , cout] = filter.shape;
  const [sh, sw] = strideOf(attrs);
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], [sh, sw], 1, attrs.pad, attrs.dimRoundingMode);
  const [, oh, ow] = dy.shape;
  const s = new Scratch(backend);
  if (sh > 1 || sw > 1) return s.keep(backpropInputStrided(s, dy, filter, attrs.inputShape, [sh, sw], info.padInfo));
  const grad = dy;
  const kernel = flippedTransposed(s, filter);
  const padTop = kh - 1 - info.padInfo.top;
  const padLeft = kw - 1 - info.padInfo.left;
  const padBottom = h + kh - 1 - padTop - oh;
  const padRight = w + kw - 1 - padLeft - ow;
  if (Math.min(padTop, padLeft, padBottom, padRight) < 0) {
    // Unusual paddings (pad > K-1, or unused input rows): pad generously and crop.
    const big = s.run('PadV2', { x: grad }, {
      paddings: [[0, 0], [Math.max(padTop, 0), Math.max(padBottom, 0)], [Math.max(padLeft, 0), Math.max(padRight, 0)], [0, 0]],
      constantValue: 0,
    });
    const cropped = s.run('Slice', { x: big }, {
      begin: [0, Math.max(-padTop, 0), Math.max(-padLeft, 0), 0],
      size: [n, h + kh - 1, w + kw - 1, cout],
    });
    return s.keep(s.run('Conv2D', { x: cropped, filter: kernel }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] }));
  }
  const out = s.run('Conv2D', { x: grad, filter: kernel }, {
    strides: [1, 1],
    pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  if (out.shape[3] !== cin) throw new Error(`Conv2DBackpropInput produced ${out.shape}, expected [${n}, ${h}, ${w}, ${cin}]`);
  return s.keep(out);
}

let registered = false;

/** Registers the engine's wasm kernels (idempotent). Keeps the stock kernels for unusual convs and strings. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const stockSlice = tf.getKernel('Slice', 'wasm');
  if (stockSlice) {
    tf.unregisterKernel('Slice', 'wasm');
    tf.registerKernel({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: sliceKernel(stockSlice.kernelFunc) });
  }
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  if (stockInput) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ((args: Parameters<typeof conv2dBackpropInput>[0]) =>
      isPlain(args.attrs) || !stockInput ? conv2dBackpropInput(args) : (stockInput.kernelFunc(args as never) as Info)) as unknown as tf.KernelFunc,
  });
}
