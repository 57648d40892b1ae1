/**
 * Picks the TensorFlow.js backend at start (DESIGN.md section 3): `tensorflow` (tfjs-node-gpu,
 * then tfjs-node) when one loads, else `wasm` (SIMD, with the engine's own kernels and V8's
 * wasm revectorizer), else `cpu`. An explicit choice overrides the order and fails loudly when it
 * cannot load.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../shared/contract/errors.ts';
import type { BackendName } from '../../../shared/domain/run.ts';
import { registerWasmDepthwiseKernels } from './wasm-depthwise.ts';
import { registerWasmKernels } from './wasm-kernels.ts';
import { registerResizeGrad } from './wasm-resize-grad.ts';
import { enableWasmRevectorize } from './wasm-revectorize.ts';

export { tf };

async function tryTensorflow(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // not installed (optional dependency) or libtensorflow missing: try the next one
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  try {
    enableWasmRevectorize();
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return false;
    registerWasmKernels();
    registerWasmDepthwiseKernels();
    registerResizeGrad();
    return true;
  } catch {
    return false;
  }
}

const loaders: Record<BackendName, () => Promise<boolean>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: () => tf.setBackend('cpu'),
};

/** Initialises the best (or the requested) backend and returns its name. */
export async function selectBackend(requested?: BackendName): Promise<BackendName> {
  const order: BackendName[] = requested ? [requested] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (tf.getBackend() === name) return name;
    if (await loaders[name]()) {
      await tf.ready();
      return name;
    }
  }
  throw new AppError(
    'UNSUPPORTED',
    `The ${requested} backend could not be loaded on this machine. Leave out --backend to use the best available one (wasm runs everywhere).`,
  );
}
