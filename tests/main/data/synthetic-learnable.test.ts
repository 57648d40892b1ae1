import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../src/main/engine/backend/select-backend.ts';
import { renderFace } from '../../../src/main/data/synth/face-generator.ts';

/**
 * The synthetic faces must carry real identity structure: a small classifier trained on some
 * photos of each person recognises the other photos far above chance (1/12 here).
 */
describe('synthetic faces are learnable', () => {
  it('a small face classifier reaches held-out accuracy far above chance', async () => {
    await selectBackend('wasm');
    const ids = 12;
    const per = 12;
    const size = 32;
    const trainX: number[][] = [];
    const trainY: number[] = [];
    const testX: number[][] = [];
    const testY: number[] = [];
    for (let i = 0; i < ids; i++) {
      for (let j = 0; j < per; j++) {
        const px = Array.from(renderFace(11, i, j, { size, channels: 1 }), (v) => v / 255);
        const mean = px.reduce((a, b) => a + b, 0) / px.length;
        const std = Math.sqrt(px.reduce((a, b) => a + (b - mean) ** 2, 0) / px.length) + 1e-6;
        const x = px.map((v) => (v - mean) / std);
        (j < 8 ? trainX : testX).push(x);
        (j < 8 ? trainY : testY).push(i);
      }
    }
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [size * size], units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: ids, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(3e-3), loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tensor2d(trainX);
    const ys = tf.tensor1d(trainY, 'float32');
    await model.fit(xs, ys, { epochs: 120, batchSize: 32, shuffle: false, verbose: 0 });
    const predictions = tf.tidy(() => (model.predict(tf.tensor2d(testX)) as tf.Tensor).argMax(-1));
    const predicted = (await predictions.data()) as Int32Array;
    const accuracy = predicted.reduce((n, p, k) => n + (p === testY[k] ? 1 : 0), 0) / testY.length;
    tf.dispose([xs, ys, predictions]);
    model.optimizer.dispose(); // Adam's moment variables are not freed by model.dispose()
    model.dispose();
    console.log(`synthetic faces: held-out accuracy ${accuracy.toFixed(3)} (chance ${(1 / ids).toFixed(3)})`);
    expect(tf.memory().numTensors).toBe(before);
    expect(accuracy).toBeGreaterThan(0.5); // 6x chance
  });
});
