/**
 * Slice for the wasm backend without copying its input. tfjs-wasm 4.22's Slice reads the input
 * with `readSync`, which copies the whole tensor out of the wasm heap into a fresh ArrayBuffer
 * before taking the slice: 16 ns per input value, and megabytes of external memory per step that
 * keep V8 collecting its old space (probe-cnn's filter taps: 1.1 ms to slice 65k values out of
 * 295k). This kernel copies only the slice, row by row, from a view of the heap.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Copies `size` values from `begin` of `src` (shape `shape`) into `dst`: trailing axes taken
 * whole and the last partial axis form one contiguous run per index of the leading axes.
 */
export function copySlice(src: { subarray(a: number, b: number): ArrayLike<number> }, dst: { set(v: ArrayLike<number>, at: number): void }, shape: number[], begin: number[], size: number[]): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  let axis = rank - 1;
  while (axis > 0 && begin[axis] === 0 && size[axis] === shape[axis]) axis--;
  const run = size[axis] * strides[axis];
  const base = begin.reduce((off, b, d) => off + b * strides[d], 0);
  const index = new Array<number>(axis).fill(0);
  const rows = size.slice(0, axis).reduce((a, b) => a * b, 1);
  for (let row = 0; row < rows; row++) {
    let from = base;
    for (let d = 0; d < axis; d++) from += index[d] * strides[d];
    dst.set(src.subarray(from, from + run), row * run);
    for (let d = axis - 1; d >= 0 && ++index[d] === size[d]; d--) index[d] = 0;
  }
}

/** The Slice kernel; `stock` handles the dtypes without a plain heap view (string, complex64). */
export function sliceKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return stock(args);
    const backend = args.backend as HeapBackend;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const out = backend.makeOutput(size_, x.dtype);
    if (size_.some((n) => n === 0)) return out;
    // Views taken after makeOutput, which may grow (and so replace) the heap.
    copySlice(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), x.shape, begin_, size_);
    return out;
  };
}
