/**
 * The pretrained judge [ours] (DESIGN.md 6): the face recognition ResNet shipped inside the npm
 * package `@vladmandic/face-api` (dlib's model: 128-d descriptors, 150x150 RGB), loaded from the
 * package's own `model/` folder with its own loader (no network). Nothing in the studio trains it.
 * Faces: the dataset's whole square image (already a face crop) resized bilinearly to 150x150,
 * grey replicated to RGB; the package subtracts its mean RGB and scales.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JUDGE_VERSION } from './judge-version.ts';

const require = createRequire(import.meta.url);


export { JUDGE_VERSION };
export const JUDGE_INPUT = 150;
export const JUDGE_DIM = 128;
const BATCH = 16;

interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
  forwardInput(input: unknown): tf.Tensor2D;
  dispose(): void;
}
interface FaceApiModule {
  FaceRecognitionNet: new () => FaceApiNet;
  NetInput: new (inputs: tf.Tensor3D[]) => unknown;
}

/** Embeds face images with the pretrained network. */
export interface Judge {
  version: string;
  /** pixels `[N, S, S, 1|3]` in 0..255 -> descriptors `[N, 128]` (row-major) */
  embed(pixels: tf.Tensor4D): Promise<Float32Array>;
  dispose(): void;
}

function faceApi(): FaceApiModule {
  // The node-wasm build shares this process's @tensorflow/tfjs (and so the engine's backend).
  return require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
}

export function judgeModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Judge input for one batch: `[N, 150, 150, 3]` float in 0..255. */
export function judgeInput(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const rgb = pixels.shape[3] === 1 ? tf.tile(pixels, [1, 1, 1, 3]) : pixels;
    return tf.image.resizeBilinear(rgb as tf.Tensor4D, [JUDGE_INPUT, JUDGE_INPUT], true);
  });
}

export async function loadPretrainedJudge(): Promise<Judge> {
  const api = faceApi();
  const net = new api.FaceRecognitionNet();
  await net.loadFromDisk(judgeModelDir());
  return {
    version: JUDGE_VERSION,
    async embed(pixels) {
      const n = pixels.shape[0];
      const out = new Float32Array(n * JUDGE_DIM);
      for (let i = 0; i < n; i += BATCH) {
        const d = tf.tidy(() => {
          const chunk = pixels.slice([i, 0, 0, 0], [Math.min(BATCH, n - i), -1, -1, -1]);
          return net.forwardInput(new api.NetInput(tf.unstack(judgeInput(chunk)) as tf.Tensor3D[]));
        });
        out.set((await d.data()) as Float32Array, i * JUDGE_DIM);
        d.dispose();
      }
      return out;
    },
    dispose: () => net.dispose(),
  };
}
