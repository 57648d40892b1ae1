/**
 * ResizeNearestNeighborGrad for the wasm backend when the resize is an integer up-sampling
 * (the GAN generator's x2 nearest up-sampling): each input pixel received one f x f block, so
 * its gradient is the block's sum, an XNNPACK average pool scaled by f*f. The stock kernel
 * loops over every output pixel per input pixel (measured on a generator at batch 32: 93 ms of a
 * 965 ms GAN step). Other resizes (align corners, fractional factors) use the stock kernel.
 * (tfjs-cpu's own kernel is wrong for batches of more than one image: the tests use a reference.)
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The integer factor (f, g) of an up-sampling from `images` to `dy`, or null when it is not one. */
export function integerFactor(images: readonly number[], dy: readonly number[]): [number, number] | null {
  const [, h, w] = images;
  const [, oh, ow] = dy;
  if (oh % h !== 0 || ow % w !== 0 || oh < h || ow < w) return null;
  return [oh / h, ow / w];
}

export function resizeNearestGradKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ResizeAttrs;
    const factor = integerFactor(images.shape, dy.shape);
    if (!factor || attrs.alignCorners || dy.dtype !== 'float32') return stock(args);
    const [f, g] = factor;
    const backend = args.backend as HeapBackend;
    const run = (name: string, inputs: Record<string, tf.TensorInfo>, a: Record<string, unknown>): tf.TensorInfo =>
      tf.getKernel(name, 'wasm')!.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: a as tf.NamedAttrMap }) as tf.TensorInfo;
    const out = run('AvgPool', { x: dy }, { filterSize: [f, g], strides: [f, g], pad: 'valid' });
    const view = backend.typedArrayFromHeap(out) as Float32Array;
    const scale = f * g;
    for (let i = 0; i < view.length; i++) view[i] *= scale;
    return out;
  };
}

let registered = false;

/** Replaces wasm's ResizeNearestNeighborGrad (idempotent); keeps the stock kernel for the general case. */
export function registerResizeGrad(): void {
  if (registered) return;
  const stock = tf.getKernel('ResizeNearestNeighborGrad', 'wasm');
  if (!stock) return;
  registered = true;
  tf.unregisterKernel('ResizeNearestNeighborGrad', 'wasm');
  tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'wasm', kernelFunc: resizeNearestGradKernel(stock.kernelFunc) });
}
