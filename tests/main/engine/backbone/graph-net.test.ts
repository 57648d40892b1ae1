import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { graphNetForward, graphNetParams, paramName } from '../../../../src/main/engine/backbone/graph-net.ts';
import { BACKBONES, loadBackbone, resolveBackboneName } from '../../../../src/main/engine/backbone/registry.ts';
import { Params } from '../../../../src/main/engine/models/params.ts';

const FOLDER = new URL('../../../../resources/backbones/mobileface/', import.meta.url);

/** The shipped graph, loaded by tfjs's own graph executor (weights as constants). */
async function referenceModel(): Promise<tf.GraphModel> {
  const json = JSON.parse(readFileSync(new URL('model.json', FOLDER), 'utf8'));
  const weights = readFileSync(new URL('mobileface.bin', FOLDER));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    weightSpecs: json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}

describe('the mobileface backbone rebuilt as trainable variables', () => {
  it('computes the graph model’s own embeddings to 1e-4', async () => {
    await selectBackend('wasm');
    const reference = await referenceModel();
    const net = loadBackbone('mobileface');
    const params = new Params(1);
    graphNetParams(params, net, () => true);
    const x = tf.randomUniform([3, 112, 112, 3], 0, 255, 'float32', 7);
    const want = reference.predict(x) as tf.Tensor;
    const got = tf.tidy(() => graphNetForward({ params, training: false }, net, x));
    expect(got.shape).toEqual([3, BACKBONES.mobileface.embedding]);
    const diff = tf.tidy(() => got.sub(want).abs().max().dataSync()[0]);
    const scale = tf.tidy(() => want.abs().max().dataSync()[0]);
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
    tf.dispose([x, want, got]);
    reference.dispose();
    params.dispose();
  });

  it('holds every float weight of the graph as a variable, and only those', () => {
    const net = loadBackbone('pretrained');
    const params = new Params(2);
    graphNetParams(params, net, (w) => !BACKBONES.mobileface.earlyStages.test(w));
    expect(net.weights).toContain('dense/kernel');
    expect(net.weights).not.toContain('Maximum/x');
    expect(params.get(paramName('dense/kernel')).shape).toEqual([2048, 256]);
    expect(params.get(paramName('conv1_weight')).trainable).toBe(false);
    expect(params.get(paramName('stage4_unit1_conv2_df')).trainable).toBe(true);
    params.dispose();
  });

  it('fine-tunes on wasm (depthwise gradients included) without leaking tensors', async () => {
    await selectBackend('wasm');
    const net = loadBackbone('mobileface');
    const params = new Params(3);
    graphNetParams(params, net, () => true);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 112, 112, 3], 0, 255, 'float32', 8);
    const target = tf.randomNormal([2, 256], 0, 1, 'float32', 9);
    const opt = tf.train.sgd(1e-3);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const l = opt.minimize(() => graphNetForward({ params, training: true }, net, x).sub(target).square().mean() as tf.Scalar, true)!;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    expect(losses[2]).toBeLessThan(losses[0]);
    tf.dispose([x, target]);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    params.dispose();
  });

  it('refuses an unknown backbone name with the choices', () => {
    expect(() => resolveBackboneName('resnet-9000')).toThrow(/scratch, pretrained, or one of: mobileface/);
  });
});
