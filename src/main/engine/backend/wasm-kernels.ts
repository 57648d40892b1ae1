/**
 * Convolution gradient kernels for the wasm backend, built from wasm's own XNNPACK Conv2D
 * (DESIGN.md section 3). tfjs-wasm 4.22 has no Conv2DBackpropFilter, and its stock
 * Conv2DBackpropInput is 8-11x slower than the forward conv of the same layer.
 *
 * dW (stride s): a stride-1 conv of the transposed input `x^T [Cin, H, W, N]` with the transposed
 *   output gradient `dy^T [OH, OW, N, Cout]` as the filter, dilated by s, with the forward
 *   padding; cropped to [KH, KW] and transposed back to [KH, KW, Cin, Cout].
 * dX (stride s): `dy` zero-dilated by s (only when s > 1), then a stride-1 conv with the flipped,
 *   transposed filter `[KH, KW, Cout, Cin]` and padding (K-1-pad) on each side.
 * Only NHWC and dilation-1 forward convs are handled; anything else falls back to the stock kernel.
 * Inside a kernel the inputs are used directly as TensorInfos (wrapping them in tensors inside
 * tf.tidy would free shared data); every intermediate is released with `backend.disposeData`.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];
interface WasmBackend extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}
interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | ExplicitPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
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

export function conv2dBackpropInput(args: { inputs: { dy: Info; filter: Info }; backend: WasmBackend; attrs: ConvAttrs & { inputShape: [number, number, number, number] } }): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const [n, h, w, cin] = attrs.inputShape;
  const [kh, kw, , cout] = filter.shape;
  const [sh, sw] = strideOf(attrs);
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], [sh, sw], 1, attrs.pad, attrs.dimRoundingMode);
  const [, oh, ow] = dy.shape;
  const s = new Scratch(backend);
  let grad = dy;
  if (sh > 1 || sw > 1) {
    // Zero-dilate: [N, OH, 1, OW, 1, C] padded to [N, OH, sh, OW, sw, C], then trailing zeros cut.
    const six = s.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, cout] });
    const padded = s.run('PadV2', { x: six }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    const flat = s.run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, cout] });
    grad = s.run('Slice', { x: flat }, { begin: [0, 0, 0, 0], size: [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, cout] });
  }
  const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
  const kernel = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const dilatedH = (oh - 1) * sh + 1;
  const dilatedW = (ow - 1) * sw + 1;
  const padTop = kh - 1 - info.padInfo.top;
  const padLeft = kw - 1 - info.padInfo.left;
  const padBottom = h + kh - 1 - padTop - dilatedH;
  const padRight = w + kw - 1 - padLeft - dilatedW;
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

/** Registers the engine's wasm kernels (idempotent). Keeps the stock kernel for unusual convs. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  if (stockInput) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ((args: Parameters<typeof conv2dBackpropInput>[0]) =>
      isPlain(args.attrs) || !stockInput ? conv2dBackpropInput(args) : (stockInput.kernelFunc(args as never) as Info)) as unknown as tf.KernelFunc,
  });
}
