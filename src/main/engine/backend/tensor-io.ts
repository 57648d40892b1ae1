/**
 * Copying tensor values into caller-owned arrays without allocating. On wasm, `tensor.data()`
 * copies the values into a fresh ArrayBuffer on every call; the data-parallel hand-over did that
 * for every parameter and gradient on every step, and the external memory kept V8 collecting the
 * old space (about 40 full collections per thread in a 10-second probe-cnn benchmark). On wasm
 * the values are read straight from the module's heap; other backends go through `dataSync`.
 */
import * as tf from '@tensorflow/tfjs';

/** The two fields of tfjs-wasm's backend this needs (public in its typings). */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number; dtype: string } | undefined };
}

/** Copies the float32 `tensor` into `target` starting at `offset`. */
export function copyInto(tensor: tf.Tensor, target: Float32Array, offset: number): void {
  if (tensor.dtype !== 'float32') throw new TypeError(`copyInto takes float32 tensors, not ${tensor.dtype}`);
  if (offset + tensor.size > target.length) throw new RangeError(`copyInto: ${tensor.size} values do not fit at ${offset} of ${target.length}`);
  const backend = tf.engine().findBackend('wasm') as unknown as Partial<WasmHeapBackend> | null;
  const data = backend?.dataIdMap?.get(tensor.dataId);
  if (backend?.wasm && data) {
    target.set(new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, tensor.size), offset);
    return;
  }
  target.set(tensor.dataSync() as Float32Array, offset);
}
