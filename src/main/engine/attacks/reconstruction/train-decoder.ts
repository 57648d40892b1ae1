/**
 * Trains the reconstruction decoder on public faces passed through the attacker's view of the
 * defence (seeded flips, shifts and contrast changes, Adam with a cosine-decayed rate [ours]),
 * then (standard profile) fine-tunes it with an identity loss (identity.ts), and scores it on
 * held-back public identities (held-back.ts). Loss: squared error on the removed channels weighted
 * by their std on the public faces [ours]. Every step in tidy; no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import type { DecoderLoss } from '../../../../shared/domain/attack.ts';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import { augmentFor, batchTensor, batchesPerEpoch, type TrainData } from '../../train/data.ts';
import type { PublicFaces } from '../public-data.ts';
import { decoderForward, decoderParams } from './decoder.ts';
import { coefficientsOf, type AttackerView } from './frequency.ts';
import { holdBackRows } from './held-back.ts';
import { disposeIdentityNet, embedFaces, identityLoss, loadIdentityNet, type IdentityNet } from './identity.ts';
import { disposeDecoder, evaluateHeldBack, pair, pixelsOf, type PublicDefence, type Setup, type TrainedDecoder } from './decoder-io.ts';

export type { PublicDefence, TrainedDecoder } from './decoder-io.ts';
export { disposeDecoder, mirrorChannels, reconstruct } from './decoder-io.ts';

export interface DecoderConfig {
  width: number;
  /** residual blocks at the decoder's coarsest level */
  blocks: number;
  /** at most this many epochs... */
  epochs: number;
  /** ...and at most about this many training samples in all (the public set's size sets the epochs) */
  samples: number;
  batch: number;
  lr: number;
  /** random shifts of public faces in pixels (each axis) */
  shift: number;
  /** random contrast change about each face's mean, factor in [1 - contrast, 1 + contrast] */
  contrast: number;
  /** public faces held back (whole identities, at most a tenth of them) to score the decoder */
  holdBack: number;
  /** identity fine-tuning after the squared-error stage: samples, batch, rate, weight of 1 - cos (null: none; IDENTITY_STAGES) */
  identity: { samples: number; batch: number; lr: number; weight: number } | null;
}

export const DECODER_PROFILES: Record<'quick' | 'standard', DecoderConfig> = {
  quick: { width: 8, blocks: 1, epochs: 2, samples: 2000, batch: 16, lr: 2e-3, shift: 2, contrast: 0.1, holdBack: 0, identity: null },
  standard: { width: 32, blocks: 2, epochs: 80, samples: 24000, batch: 32, lr: 2e-3, shift: 4, contrast: 0.2, holdBack: 200, identity: null },
};

/**
 * The identity fine-tuning stage per profile (`--decoder-loss identity`) [ours]: a quarter of the
 * main rate, 1 - cos weighted 1 (about the squared error's size at the end of the first stage).
 * Off by default: on held-back public faces it raised the identity network's cosine but not
 * the pixel loss, and it costs about half again the attack's time (README).
 */
export const IDENTITY_STAGES: Record<'quick' | 'standard', NonNullable<DecoderConfig['identity']>> = {
  quick: { samples: 160, batch: 8, lr: 5e-4, weight: 1 },
  standard: { samples: 2400, batch: 16, lr: 5e-4, weight: 1 },
};

/** The decoder config of a profile and decoder loss. */
export function decoderConfig(profile: 'quick' | 'standard', loss: DecoderLoss): DecoderConfig {
  return { ...DECODER_PROFILES[profile], identity: loss === 'identity' ? IDENTITY_STAGES[profile] : null };
}

export interface DecoderHooks {
  onStep(done: number, total: number): void;
  shouldStop(): boolean;
}

function channelStd(pixels: tf.Tensor4D, channels: readonly number[], planes: number): tf.Tensor1D {
  return tf.tidy(() => tf.moments(coefficientsOf(pixels, channels, planes), [0, 1, 2]).variance.sqrt().add(1e-3) as tf.Tensor1D);
}

/** Epochs for `count` public faces: the sample budget over the set, within 1..cfg.epochs. */
export function decoderEpochs(cfg: DecoderConfig, count: number): number {
  return Math.max(1, Math.min(cfg.epochs, Math.round(cfg.samples / Math.max(1, count))));
}

/** Cosine decay from `lr` to 5% of it over `total` steps [ours]. */
export function cosineRate(lr: number, step: number, total: number): number {
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, total))));
}

/** Each face's contrast scaled about its mean by a seeded factor in [1 - amount, 1 + amount], clipped to 0..255; disposes `x`. */
function withContrast(x: tf.Tensor4D, amount: number, seed: number): tf.Tensor4D {
  if (amount <= 0) return x;
  const rng = new Rng(seed);
  const y = tf.tidy(() => {
    const c = tf.tensor4d(Array.from({ length: x.shape[0] }, () => 1 + amount * (2 * rng.next() - 1)), [x.shape[0], 1, 1, 1]);
    const m = x.mean([1, 2, 3], true);
    return x.sub(m).mul(c).add(m).clipByValue(0, 255) as tf.Tensor4D;
  });
  x.dispose();
  return y;
}

/**
 * The decoder, its scales and the training setup. `leakedStd` (plain masking only): the leaked
 * set's per-channel std of the kept channels, in the attacker's order; where it exceeds the public
 * faces' (sensor noise: ORL's scans carry 2-4x LFW's energy there), white noise tops the public
 * inputs up to it [ours: moment matching on the leaked set, which the attacker holds].
 */
function setUp(faces: PublicFaces, view: AttackerView, cfg: DecoderConfig, seed: number, defence: PublicDefence | null, leakedStd: Float32Array | null): Setup {
  const data: TrainData = { pixels: faces.pixels, size: faces.size, channels: faces.channels, train: [], heldout: [], classes: 0 };
  const predictKept = defence !== null;
  const outChannels = predictKept ? [...view.kept, ...view.removed] : view.removed;
  const sample = batchTensor(data, Array.from({ length: Math.min(faces.count, 512) }, (_, i) => i));
  const publicStd = channelStd(sample, view.kept, view.planes);
  const noise = leakedStd && !defence ? tf.tidy(() => tf.tensor1d(leakedStd).square().sub(publicStd.square()).relu().sqrt() as tf.Tensor1D) : null;
  const inStd = noise ? tf.tidy(() => publicStd.square().add(noise.square()).sqrt() as tf.Tensor1D) : publicStd;
  if (noise) publicStd.dispose();
  const outStd = channelStd(sample, outChannels, view.planes);
  sample.dispose();
  const weight = tf.tidy(() => outStd.square().div(outStd.square().mean()).sqrt() as tf.Tensor1D);
  const params = decoderParams({ inputs: view.kept.length, outputs: outChannels.length, width: cfg.width, blocks: cfg.blocks }, seed);
  const decoder: TrainedDecoder = { params, view, predictKept, inStd, outStd, finalLoss: NaN, epochs: 0, heldBack: null, identity: null };
  return { data, faces, decoder, outChannels, noise, defence, weight };
}

/** One augmented training batch of public face `rows` as a decoder pair (and the faces themselves). */
function trainingPair(su: Setup, cfg: DecoderConfig, rows: number[], seed: number, at: [number, number]): ReturnType<typeof pair> {
  const aug = augmentFor(rows.length, seed, at[0], at[1], { flip: true, shift: cfg.shift });
  const x = withContrast(batchTensor(su.data, rows, aug), cfg.contrast, hashSeed(seed, at[0], at[1], 0xc0a7));
  const p = pair(su, x, rows.map((r) => su.faces.labels[r]), hashSeed(seed, at[0], at[1], 0x1eaf));
  x.dispose();
  return p;
}

/** Squared-error term of the loss, weighted per channel. */
function squaredError(su: Setup, predicted: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  return predicted.sub(target).square().mul(su.weight).mean() as tf.Scalar;
}

/**
 * Trains on `faces` (through `defence` when it mixes); returns null when stopped (cancel).
 * The standard profile then fine-tunes with the identity loss; both stages are scored on the
 * held-back public identities (`decoder.heldBack`: [after squared error, after identity]).
 */
export async function trainDecoder(faces: PublicFaces, view: AttackerView, cfg: DecoderConfig, seed: number, hooks: DecoderHooks, defence: PublicDefence | null = null, leakedStd: Float32Array | null = null): Promise<TrainedDecoder | null> {
  const split = holdBackRows(faces.labels, cfg.holdBack, seed);
  const su = setUp(faces, view, cfg, seed, defence, leakedStd);
  const idNet = cfg.identity ? loadIdentityNet(faces, split.train) : null;
  const steps = batchesPerEpoch(split.train.length, cfg.batch);
  const epochs = decoderEpochs(cfg, split.train.length);
  const idSteps = cfg.identity ? Math.ceil(cfg.identity.samples / cfg.identity.batch) : 0;
  const total = epochs * steps + idSteps;
  const optimizer = tf.train.adam(cfg.lr);
  const rate = (lr: number): void => void ((optimizer as unknown as { learningRate: number }).learningRate = lr);
  const { params } = su.decoder;
  let last = tf.scalar(0);
  let result: TrainedDecoder | null = null;
  const step = async (done: number, loss: () => tf.Scalar): Promise<void> => {
    const l = optimizer.minimize(loss, true, params.trainable())!;
    last.dispose();
    last = l;
    hooks.onStep(done, total);
    if (done % 4 === 0) await new Promise((r) => setImmediate(r));
  };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = new Rng(hashSeed(seed, epoch, 0xdec0)).shuffle([...split.train]);
      for (let s = 0; s < steps; s++) {
        if (hooks.shouldStop()) return null;
        rate(cosineRate(cfg.lr, epoch * steps + s, epochs * steps));
        const { input, target, truth } = trainingPair(su, cfg, order.slice(s * cfg.batch, s === steps - 1 ? order.length : (s + 1) * cfg.batch), seed, [epoch, s]);
        await step(epoch * steps + s + 1, () => squaredError(su, decoderForward(params, input), target));
        tf.dispose([input, target, truth]);
      }
    }
    su.decoder.epochs = epochs;
    const afterSquared = await evaluateHeldBack(su, split.held, idNet);
    if (cfg.identity && idNet) {
      const id = cfg.identity;
      rate(id.lr);
      const order = new Rng(hashSeed(seed, 0x1d)).shuffle([...split.train]);
      for (let s = 0; s < idSteps; s++) {
        if (hooks.shouldStop()) return null;
        const rows = Array.from({ length: id.batch }, (_, i) => order[(s * id.batch + i) % order.length]);
        const { input, target, truth } = trainingPair(su, cfg, rows, seed, [epochs, s]);
        const truthEmb = embedFaces(idNet, truth);
        await step(epochs * steps + s + 1, () => {
          const predicted = decoderForward(params, input);
          const pixels = pixelsOf(su.decoder, input.mul(su.decoder.inStd) as tf.Tensor4D, predicted);
          return squaredError(su, predicted, target).add(identityLoss(idNet, pixels, truthEmb).mul(id.weight)) as tf.Scalar;
        });
        tf.dispose([input, target, truth, truthEmb]);
      }
      su.decoder.identity = { backbone: idNet.name, crop: idNet.crop, ...id };
    }
    const afterIdentity = cfg.identity ? await evaluateHeldBack(su, split.held, idNet) : null;
    su.decoder.heldBack = afterSquared ? { afterSquaredError: afterSquared, afterIdentity } : null;
    su.decoder.finalLoss = (await last.data())[0];
    result = su.decoder;
    return result;
  } finally {
    last.dispose();
    optimizer.dispose();
    tf.dispose([su.weight, ...(su.noise ? [su.noise] : [])]);
    if (idNet) disposeIdentityNet(idNet);
    if (!result) disposeDecoder(su.decoder);
  }
}
