/**
 * The masking network (DESIGN.md 5.1 step 3b; PPFR-FD's "analysis network"): one learnable gate
 * per AC frequency channel, sigmoid(g_c), trained end to end with a small FR network on
 * L_FR + beta * P_vis, where P_vis [ours: the penalty's form] is the share of the face's DCT energy
 * the gated channels still carry, sum_c sigmoid(g_c) e_c / sum_c e_c (DC is always dropped). The
 * top `keepPerPlane` channels of each plane by gate value are kept and frozen with the run.
 * [ours]: the joint training is a short pre-phase with its own small network (`GATE_NET`), seeded
 * from the run's seed, before the run's FR network trains on the frozen selection.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import { COEFFS } from '../masking/dct.ts';
import { fitFrontEnd, frequencyChannels, selectChannels, type FrontEndState } from '../masking/front-end.ts';
import type { TrainConfig } from '../train/config.ts';
import { dense, denseParams, type Ctx } from '../models/layers.ts';
import { frNetForward, frNetParams, type FrNetConfig } from '../models/fr-net.ts';
import { batchTensor, epochBatches, type TrainData } from '../train/data.ts';

export interface MaskingNetConfig {
  /** epochs of the joint pre-phase [ours: 4] */
  epochs: number;
  /** weight of the visualisation penalty [ours: 2] */
  beta: number;
  batch: number;
  lr: number;
}

export const MASKING_NET_DEFAULTS: MaskingNetConfig = { epochs: 4, beta: 2, batch: 32, lr: 2e-3 };
/** the DC channels' gate value (always dropped; finite so that it survives JSON) */
const DC_GATE = -1e9;

/**
 * Top `keep` AC channels of each plane by gate value (ties by index), as channel ids p*64 + uv: the
 * front end's own per-plane selection, which keeps the lowest scores, run on the negated gates.
 */
export function topChannels(gates: readonly number[], planes: number, keep: number): number[] {
  return selectChannels(gates.map((g) => -g), planes, keep);
}

/** Learns the gates on the training images and returns them (one per channel; DC at DC_GATE). */
export async function learnGates(data: TrainData, o: { seed: number; cfg?: MaskingNetConfig }): Promise<number[]> {
  const cfg = o.cfg ?? MASKING_NET_DEFAULTS;
  const planes = data.channels;
  const total = planes * COEFFS;
  const net: FrNetConfig = { inputChannels: total, stem: 'frequency', widths: [32, 64], blocks: 1, embedding: 64 };
  const params = frNetParams(net, hashSeed(o.seed, 0x9a7e));
  denseParams(params, 'gate-head', net.embedding, data.classes);
  // Small seeded offsets break ties between channels reproducibly.
  const rng = new Rng(hashSeed(o.seed, 0x6a7e));
  const init = Array.from({ length: total }, () => 0.01 * rng.normal());
  const gates = params.constant('gate/g', [total], 0);
  tf.tidy(() => gates.assign(tf.tensor1d(init)));
  const sample = batchTensor(data, data.train.slice(0, 512).map((t) => t.row));
  const { mean, std, energy, acMask } = tf.tidy(() => {
    const f = frequencyChannels(sample);
    const m = tf.moments(f, [0, 1, 2]);
    const e = f.abs().mean([0, 1, 2]);
    const ac = tf.tensor1d(Array.from({ length: total }, (_, c) => (c % COEFFS === 0 ? 0 : 1)));
    return { mean: tf.keep(m.mean), std: tf.keep(m.variance.sqrt().add(1e-3)), energy: tf.keep(e.mul(ac).div(e.mul(ac).sum())), acMask: tf.keep(ac) };
  });
  sample.dispose();
  const optimizer = tf.train.adam(cfg.lr);
  const ctx: Ctx = { params, training: true, statUpdates: [] };
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const batch of epochBatches(data.train, cfg.batch, o.seed, epoch + 0x6a)) {
      if (batch.length < 2) continue;
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const g = tf.sigmoid(gates).mul(acMask);
          const x = frequencyChannels(batchTensor(data, batch.map((b) => b.row))).sub(mean).div(std).mul(g) as tf.Tensor4D;
          const logits = dense(ctx, 'gate-head', frNetForward(ctx, net, x));
          const fr = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(batch.map((b) => b.label), 'int32'), data.classes), logits);
          return fr.add(g.mul(energy).sum().mul(cfg.beta)) as tf.Scalar;
        }),
      params.trainable());
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      tf.dispose([value, ...Object.values(grads)]);
      for (const u of ctx.statUpdates ?? []) tf.dispose([u.mean, u.variance]);
      ctx.statUpdates!.length = 0;
    }
  }
  const out = Array.from(await gates.data()).map((g, c) => (c % COEFFS === 0 ? DC_GATE : g));
  tf.dispose([mean, std, energy, acMask]);
  optimizer.dispose();
  params.dispose();
  return out;
}

/** The run's front end with the learned selection: gates learned, top channels kept, the rest fitted as usual. */
export async function learnedFrontEnd(config: TrainConfig, data: TrainData, cfg?: MaskingNetConfig): Promise<FrontEndState> {
  const gates = await learnGates(data, { seed: config.seed, cfg });
  const kept = topChannels(gates, data.channels, config.frontEnd!.keepPerPlane);
  const sample = batchTensor(data, data.train.slice(0, 512).map((t) => t.row));
  const state = fitFrontEnd(sample, config.frontEnd!, kept);
  sample.dispose();
  return { ...state, gates };
}
