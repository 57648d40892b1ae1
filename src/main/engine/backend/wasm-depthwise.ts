/**
 * Depthwise-convolution gradient kernels for the wasm backend (tfjs-wasm 4.22 has neither
 * DepthwiseConv2dNativeBackpropInput nor ...Filter; DESIGN.md section 3, issue #15).
 * dX: a stride-1 depthwise conv of `dy` (zero-dilated by the stride and padded in one pass over
 *   the heap when needed) with the spatially flipped filter, on wasm's own XNNPACK kernel; with a
 *   channel multiplier m > 1 each input channel then sums its m outputs.
 * dW: written by hand (no wasm kernel computes it): dW[kh,kw,c,q] = sum over n, oh, ow of
 *   x[n, oh*s + kh - padTop, ow*s + kw - padLeft, c] * dy[n, oh, ow, c*m + q], one pass over dy
 *   with the channel loop innermost (contiguous in both tensors). Depthwise layers hold a small
 *   share of a network's multiply-adds, so this stays a small share of a training step.
 * Only NHWC and dilation 1 (what tfjs's depthwise gradient allows).
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
interface WasmBackend extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: 'float32'): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
}
interface DepthwiseAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}
type Shape4 = [number, number, number, number];

const heap = (b: WasmBackend, info: Info): Float32Array => b.typedArrayFromHeap(info) as Float32Array;

function run(backend: WasmBackend, kernel: string, inputs: Record<string, Info>, attrs: Record<string, unknown>): Info {
  const config = tf.getKernel(kernel, 'wasm');
  if (!config) throw new Error(`wasm kernel ${kernel} is not registered`);
  return config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

function convInfo(xShape: Shape4, filterShape: Shape4, attrs: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true);
}

/** The filter flipped in both spatial axes, as `[KH, KW, C*m, 1]` (one tap per dy channel). */
function flipped(backend: WasmBackend, filter: Info): Info {
  const [kh, kw, c, m] = filter.shape;
  const out = backend.makeOutput([kh, kw, c * m, 1], 'float32');
  const src = heap(backend, filter);
  const dst = heap(backend, out);
  const block = c * m;
  for (let r = 0; r < kh; r++)
    for (let q = 0; q < kw; q++) dst.set(src.subarray((r * kw + q) * block, (r * kw + q + 1) * block), ((kh - 1 - r) * kw + (kw - 1 - q)) * block);
  return out;
}

/**
 * `dy` placed on the grid a valid stride-1 conv with the flipped filter reads:
 * `[N, H+KH-1, W+KW-1, C*m]`, row oh at top + oh*s (top = KH-1-padTop), zeros elsewhere.
 * Rows that fall outside reach no input row and are dropped.
 */
function dilatedPadded(backend: WasmBackend, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const [n, oh, ow, ch] = dy.shape;
  const rows = info.inHeight + info.filterHeight - 1;
  const cols = info.inWidth + info.filterWidth - 1;
  const out = backend.makeOutput([n, rows, cols, ch], 'float32');
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  const src = heap(backend, dy);
  const dst = heap(backend, out).fill(0);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const r = top + i * info.strideHeight;
      if (r < 0 || r >= rows) continue;
      for (let j = 0; j < ow; j++) {
        const c = left + j * info.strideWidth;
        if (c < 0 || c >= cols) continue;
        const from = ((b * oh + i) * ow + j) * ch;
        dst.set(src.subarray(from, from + ch), ((b * rows + r) * cols + c) * ch);
      }
    }
  return out;
}

export function depthwiseBackpropInput(args: { inputs: { dy: Info; filter: Info }; backend: WasmBackend; attrs: DepthwiseAttrs & { inputShape: Shape4 } }): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const [n, h, w, c] = attrs.inputShape;
  const m = filter.shape[3];
  const info = convInfo(attrs.inputShape, filter.shape as Shape4, attrs);
  const kernel = flipped(backend, filter);
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  const bottom = h + info.filterHeight - 1 - top - info.outHeight;
  const right = w + info.filterWidth - 1 - left - info.outWidth;
  const plain = info.strideHeight === 1 && info.strideWidth === 1 && Math.min(top, left, bottom, right) >= 0;
  const grid = plain ? dy : dilatedPadded(backend, dy, info);
  const pad = plain ? [[0, 0], [top, bottom], [left, right], [0, 0]] : 'valid';
  const perTap = run(backend, 'DepthwiseConv2dNative', { x: grid, filter: kernel }, { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC' });
  backend.disposeData(kernel.dataId);
  if (!plain) backend.disposeData(grid.dataId);
  if (m === 1) return perTap;
  // [N, H, W, C*m] -> [N, H, W, C, m] summed over m (a last-axis reduction: no transpose on wasm)
  const split = run(backend, 'Reshape', { x: perTap }, { shape: [n, h, w, c, m] });
  const out = run(backend, 'Sum', { x: split }, { axis: [4], keepDims: false });
  backend.disposeData(perTap.dataId);
  backend.disposeData(split.dataId);
  return out;
}

export function depthwiseBackpropFilter(args: { inputs: { x: Info; dy: Info }; backend: WasmBackend; attrs: DepthwiseAttrs & { filterShape: Shape4 } }): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const [kh, kw, c, m] = attrs.filterShape;
  const info = convInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const dw = heap(backend, out).fill(0);
  const xs = heap(backend, x);
  const g = heap(backend, dy);
  const [n, h, w] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const cm = c * m;
  // Tap-major: each tap's row of dW accumulates over all output positions, with the channel
  // loop innermost over contiguous x and dy (no call per position).
  for (let r = 0; r < kh; r++)
    for (let q = 0; q < kw; q++) {
      const wo = (r * kw + q) * cm;
      for (let b = 0; b < n; b++)
        for (let i = 0; i < oh; i++) {
          const ih = i * sh + r - top;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < ow; j++) {
            const iw = j * sw + q - left;
            if (iw < 0 || iw >= w) continue;
            const xo = ((b * h + ih) * w + iw) * c;
            const go = ((b * oh + i) * ow + j) * cm;
            if (m === 1) for (let k = 0; k < c; k++) dw[wo + k] += xs[xo + k] * g[go + k];
            else for (let k = 0; k < cm; k++) dw[wo + k] += xs[xo + ((k / m) | 0)] * g[go + k];
          }
        }
    }
  return out;
}

let registered = false;

/** Registers both depthwise gradient kernels on wasm (idempotent; keeps any already registered). */
export function registerWasmDepthwiseKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm'))
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc });
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm'))
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc });
}
