/**
 * A pretrained backbone inside a training run (issue #15): the config preset a run gets with
 * `--backbone pretrained|NAME`, the parameters (pretrained weights as variables, frozen or not
 * by the profile's fine-tuning choice), the forward pass from the FR network input, and the
 * per-run choice of the centre crop on training images. Scratch runs never reach this module.
 */
import * as tf from '@tensorflow/tfjs';
import type { FrontEndState } from '../masking/front-end.ts';
import type { Ctx } from '../models/layers.ts';
import { Params } from '../models/params.ts';
import type { Profile, TrainConfig } from '../train/config.ts';
import { batchesPerEpoch, batchTensor, type TrainData } from '../train/data.ts';
import { applyFrontEnd, fitFrontEnd } from '../masking/front-end.ts';
import { backboneInput, cropForBackbone, inverseFrontEnd, type BackboneConfig } from './adapter.ts';
import { graphNetForward, graphNetParams } from './graph-net.ts';
import { BACKBONES, loadBackbone, resolveBackboneName } from './registry.ts';

/**
 * Fine-tuning presets [ours]: the quick profile trains only the last stages for a few epochs;
 * the standard profile fine-tunes all layers. A pretrained network needs a far smaller learning
 * rate and fewer epochs than training from scratch; frequency inputs (the inverse DCT of the
 * kept channels looks nothing like a photograph) get more epochs to adapt. Small datasets get at
 * least `minSteps` optimizer steps (ORL's 240 training images make 7 steps an epoch: after 5
 * epochs its training loss was still falling fast, 3.7 -> 1.2).
 */
const PRESETS: Record<Profile, { epochs: number; frequencyEpochs: number; minSteps: number; lr: number; fineTune: BackboneConfig['fineTune'] }> = {
  quick: { epochs: 2, frequencyEpochs: 3, minSteps: 0, lr: 5e-4, fineTune: 'last' },
  standard: { epochs: 5, frequencyEpochs: 6, minSteps: 130, lr: 3e-4, fineTune: 'all' },
};

/** The config with the chosen backbone (`scratch` or absent: unchanged). The crop is chosen later (0 until then). */
export function withBackbone(base: TrainConfig, choice: string | undefined, explicitEpochs: number | undefined): TrainConfig {
  if (!choice || choice === 'scratch') return base;
  const info = BACKBONES[resolveBackboneName(choice)];
  const preset = PRESETS[base.profile];
  const frequency = base.frontEnd !== null;
  const epochs = explicitEpochs ?? (frequency ? preset.frequencyEpochs : preset.epochs);
  const backbone: BackboneConfig = {
    name: info.name,
    package: info.source.package,
    version: info.source.version,
    inputSize: info.inputSize,
    embedding: info.embedding,
    crop: 0,
    fineTune: preset.fineTune,
    input: frequency ? 'inverse-dct' : 'pixels',
  };
  return Object.freeze({
    ...base,
    epochs,
    lr: preset.lr,
    warmupEpochs: Math.min(1, Math.max(0, epochs - 1)),
    net: { ...base.net, embedding: info.embedding },
    backbone,
  });
}

/** Backbone parameters with their pretrained values; early stages frozen when only the last fine-tune. */
export function backboneParams(cfg: BackboneConfig, seed: number): Params {
  const p = new Params(seed);
  const early = BACKBONES[cfg.name].earlyStages;
  graphNetParams(p, loadBackbone(cfg.name), (w) => cfg.fineTune === 'all' || !early.test(w));
  return p;
}

/** Embeddings `[N, embedding]` for the FR network input (pixels scaled, or standardised masked channels). */
export function backboneForward(ctx: Ctx, cfg: BackboneConfig, frontEnd: FrontEndState | null, x: tf.Tensor4D): tf.Tensor2D {
  return graphNetForward(ctx, loadBackbone(cfg.name), backboneInput(x, frontEnd, cfg)) as tf.Tensor2D;
}

/** Centre crops tried on training images (fractions of the side). */
export const CROP_CANDIDATES = [1, 0.8, 0.65, 0.55];
const CROP_SAMPLE = 480;

/** Up to CROP_SAMPLE training images, the same number from every identity that has two or more. */
function cropSample(data: TrainData): { row: number; label: number }[] {
  const byLabel = new Map<number, number[]>();
  for (const t of data.train) byLabel.set(t.label, [...(byLabel.get(t.label) ?? []), t.row]);
  const groups = [...byLabel.entries()].filter(([, rows]) => rows.length >= 2);
  const each = Math.max(2, Math.floor(CROP_SAMPLE / Math.max(1, groups.length)));
  return groups.flatMap(([label, rows]) => rows.slice(0, each).map((row) => ({ row, label }))).slice(0, CROP_SAMPLE);
}

/**
 * Leave-one-out nearest-centroid accuracy of normalised embeddings `[n, dim]`: each image against
 * its own class's mean without it and every other class's mean (cosine), the classifier the
 * imprinted head starts from (imprint.ts).
 */
export function leaveOneOutCentroid(emb: Float32Array, dim: number, labels: readonly number[]): number {
  const sums = new Map<number, { sum: Float64Array; n: number }>();
  labels.forEach((l, i) => {
    const c = sums.get(l) ?? { sum: new Float64Array(dim), n: 0 };
    for (let d = 0; d < dim; d++) c.sum[d] += emb[i * dim + d];
    c.n++;
    sums.set(l, c);
  });
  const cosine = (i: number, sum: Float64Array, minus: boolean): number => {
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = sum[d] - (minus ? emb[i * dim + d] : 0);
      dot += v * emb[i * dim + d];
      norm += v * v;
    }
    return dot / Math.sqrt(norm + 1e-12);
  };
  let right = 0;
  labels.forEach((l, i) => {
    const own = cosine(i, sums.get(l)!.sum, true);
    if ([...sums.entries()].every(([k, c]) => k === l || cosine(i, c.sum, false) < own)) right++;
  });
  return right / Math.max(1, labels.length);
}

/**
 * How well the frozen pretrained backbone tells the training identities apart under each centre
 * crop (leave-one-out nearest centroid on up to 480 training images) [ours]: imported faces are
 * framed differently (ORL fills the frame, LFW's 250 px funnelled images hold the face in the
 * middle ~56%), and the backbone was trained on tight aligned crops. Training images only.
 */
export function cropScores(cfg: BackboneConfig, data: TrainData): { crop: number; score: number }[] {
  const sample = cropSample(data);
  if (sample.length < 4) return [{ crop: 1, score: 0 }];
  const params = backboneParams({ ...cfg, fineTune: 'all' }, 1);
  const net = loadBackbone(cfg.name);
  const scores = CROP_CANDIDATES.map((crop) => {
    const emb = tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let i = 0; i < sample.length; i += 60) {
        const x = cropForBackbone(batchTensor(data, sample.slice(i, i + 60).map((s) => s.row)), crop, cfg.inputSize);
        const e = graphNetForward({ params, training: false }, net, x) as tf.Tensor2D;
        parts.push(e.div(e.norm('euclidean', 1, true).add(1e-8)));
      }
      return tf.concat(parts);
    });
    const values = emb.dataSync() as Float32Array;
    emb.dispose();
    return { crop, score: leaveOneOutCentroid(values, cfg.embedding, sample.map((s) => s.label)) };
  });
  params.dispose();
  return scores;
}

/** The best-scoring crop (ties: the larger crop, which keeps more of the image). */
export function chooseCrop(cfg: BackboneConfig, data: TrainData): number {
  return cropScores(cfg, data).reduce((best, s) => (s.score > best.score ? s : best)).crop;
}

/**
 * The config finished on the run's training images: its crop and (frequency inputs) input gain
 * chosen, and (unless the epochs were given) at least the profile's minimum number of optimizer
 * steps. The gain is fitted with the energy-selected front end; a learned selection keeps channels
 * of the same kind, so it shares that scale [ours]. Configs without a backbone, unchanged.
 */
export function withChosenCrop(config: TrainConfig, data: TrainData, explicitEpochs?: number): TrainConfig {
  if (!config.backbone || config.backbone.crop > 0) return config;
  const steps = batchesPerEpoch(data.train.length, config.batch);
  const epochs = explicitEpochs ?? Math.max(config.epochs, Math.ceil(PRESETS[config.profile].minSteps / Math.max(1, steps)));
  const gain = config.frontEnd ? { inputGain: chooseInputGain(config, data, null) } : {};
  return Object.freeze({ ...config, epochs, backbone: { ...config.backbone, crop: chooseCrop(config.backbone, data), ...gain } });
}

const GAIN_SAMPLE = 240;

/**
 * The input gain for frequency inputs [ours]: the inverse DCT of the kept (low-energy, high-
 * frequency) channels is a faint edge image, a few grey levels around mid-grey, while the backbone
 * was trained on photographs. The gain scales its deviation from grey so that its spread (standard
 * deviation over all values) matches the training images' own; a gain is linear and changes no
 * information. Fitted on up to 240 training images with the run's front end (`frontEnd`, or one
 * fitted here as createFaceModel would). Pixel inputs: 1.
 */
export function chooseInputGain(config: TrainConfig, data: TrainData, frontEnd: FrontEndState | null): number {
  if (!config.backbone || !config.frontEnd) return 1;
  const rows = data.train.slice(0, GAIN_SAMPLE).map((t) => t.row);
  return tf.tidy(() => {
    const pixels = batchTensor(data, rows);
    const fe = frontEnd ?? fitFrontEnd(batchTensor(data, data.train.slice(0, 512).map((t) => t.row)), config.frontEnd!);
    const edges = inverseFrontEnd(applyFrontEnd(pixels, fe), fe);
    const spread = (t: tf.Tensor): number => tf.moments(t).variance.sqrt().dataSync()[0];
    const ratio = spread(pixels) / Math.max(1e-6, spread(edges));
    return Math.round(ratio * 100) / 100;
  });
}
