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
 * Filters are flipped and their phase taps picked in one pass over the heap (see selectTaps).
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
  makeOutput(shape: number[], dtype: 'float32'): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
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
 * row-major order over JH x JW), written straight from the heap: each tap's `[Cin, Cout]` block
 * transposed into place. One pass over the filter replaces a selection matMul, a Slice and a
 * Transpose per group (3x3x128x256 filter into its four sub-pixel groups: 3.2 ms -> 0.4 ms).
 */
function selectTaps(s: Scratch, filter: Info, groups: { taps: [number, number][]; height: number; width: number }[]): Info[] {
  const [, kw, cin, cout] = filter.shape;
  const outs = groups.map((g) => s.output([g.height, g.width, cout, cin]));
  const src = s.view(filter);
  groups.forEach((g, i) => {
    const dst = s.view(outs[i]);
    g.taps.forEach(([r, c], t) => transposeBlock(src, (r * kw + c) * cin * cout, cin, cout, dst, t * cin * cout));
  });
  return outs;
}

/** `src[from..]` as a `[rows, cols]` matrix, written transposed to `dst[to..]`. */
function transposeBlock(src: Float32Array, from: number, rows: number, cols: number, dst: Float32Array, to: number): void {
  for (let i = 0; i < rows; i++) {
    const row = from + i * cols;
    for (let j = 0; j < cols; j++) dst[to + j * rows + i] = src[row + j];
  }
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
  /** An uninitialised float32 tensor owned by this scratch, to fill through `view`. */
  output(shape: number[]): Info {
    const info = this.backend.makeOutput(shape, 'float32');
    this.made.push(info);
    return info;
  }
  /** The values of `info` on the heap; take views after the last allocation (the heap may grow). */
  view(info: Info): Float32Array {
    return this.backend.typedArrayFromHeap(info) as Float32Array;
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

/** One phase's rows `[N, count_r, count_c, Cin]`: a valid conv of `dy` (padded or cropped). */
function phaseConv(s: Scratch, dy: Info, kernel: Info, pr: Phase, pc: Phase): Info {
  const [n, oh, ow, cout] = dy.shape;
  const rows = phasePad(pr, oh);
  const cols = phasePad(pc, ow);
  const crop = Math.min(rows.before, rows.after, cols.before, cols.after) < 0;
  const input = crop
    ? s.run('Slice', { x: dy }, {
        begin: [0, Math.max(0, -rows.before), Math.max(0, -cols.before), 0],
        size: [n, oh - Math.max(0, -rows.before) - Math.max(0, -rows.after), ow - Math.max(0, -cols.before) - Math.max(0, -cols.after), cout],
      })
    : dy;
  return s.run('Conv2D', { x: input, filter: kernel }, {
    strides: [1, 1],
    pad: [[0, 0], [Math.max(0, rows.before), Math.max(0, rows.after)], [Math.max(0, cols.before), Math.max(0, cols.after)], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
}

/**
 * Sub-pixel dX for strided convs: one small stride-1 conv per phase, each phase's rows and
 * columns then written to their places (residue + s*i) of the zeroed input gradient in one pass
 * over the heap (instead of PadV2 + Pack + Reshape + Slice).
 */
function backpropInputStrided(s: Scratch, dy: Info, filter: Info, inputShape: [number, number, number, number], stride: [number, number], pad: { top: number; left: number }): Info {
  const [n, h, w, cin] = inputShape;
  const [kh, kw] = filter.shape;
  const [sh, sw] = stride;
  const phases = phasesOf(h, kh, sh, pad.top).flatMap((pr) => phasesOf(w, kw, sw, pad.left).filter((pc) => live(pr, pc)).map((pc) => ({ pr, pc })));
  // The taps of every live phase (k = r, r+s, ...), flipped, as [JH, JW, Cout, Cin] filters.
  const kernels = selectTaps(
    s,
    filter,
    phases.map(({ pr, pc }) => {
      const taps: [number, number][] = [];
      for (const r of [...pr.taps].reverse()) for (const c of [...pc.taps].reverse()) taps.push([r, c]);
      return { taps, height: pr.taps.length, width: pc.taps.length };
    }),
  );
  const parts = phases.map(({ pr, pc }, i) => phaseConv(s, dy, kernels[i], pr, pc));
  const out = s.output(inputShape);
  const dst = s.view(out).fill(0);
  phases.forEach(({ pr, pc }, i) => {
    const src = s.view(parts[i]);
    let from = 0;
    for (let b = 0; b < n; b++)
      for (let r = 0; r < pr.count; r++) {
        const row = (b * h + pr.residue + sh * r) * w;
        for (let c = 0; c < pc.count; c++, from += cin) dst.set(src.subarray(from, from + cin), (row + pc.residue + sw * c) * cin);
      }
  });
  return out;
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
