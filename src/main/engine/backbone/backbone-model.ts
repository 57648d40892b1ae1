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
import { backboneInput, cropForBackbone, type BackboneConfig } from './adapter.ts';
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
const CROP_SAMPLE = 240;

/**
 * Picks the centre crop under which the frozen pretrained backbone best tells the training
 * identities apart (leave-one-out nearest neighbour, cosine, on up to 240 training images of
 * identities with two or more) [ours]: imported faces are framed differently (ORL fills the
 * frame, LFW's 250 px funnelled images hold the face in the middle ~56%), and the backbone was
 * trained on tight aligned crops. Training images only: held-out images are never looked at.
 */
export function chooseCrop(cfg: BackboneConfig, data: TrainData): number {
  const byLabel = new Map<number, number[]>();
  for (const t of data.train) byLabel.set(t.label, [...(byLabel.get(t.label) ?? []), t.row]);
  const sample = [...byLabel.entries()].filter(([, rows]) => rows.length >= 2).flatMap(([label, rows]) => rows.slice(0, 3).map((row) => ({ row, label }))).slice(0, CROP_SAMPLE);
  if (sample.length < 4) return 1;
  const params = backboneParams({ ...cfg, fineTune: 'all' }, 1);
  const net = loadBackbone(cfg.name);
  let best = { crop: 1, score: -1 };
  for (const crop of CROP_CANDIDATES) {
    const emb = tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let i = 0; i < sample.length; i += 60) {
        const x = cropForBackbone(batchTensor(data, sample.slice(i, i + 60).map((s) => s.row)), crop, cfg.inputSize);
        const e = graphNetForward({ params, training: false }, net, x) as tf.Tensor2D;
        parts.push(e.div(e.norm('euclidean', 1, true).add(1e-8)));
      }
      const all = tf.concat(parts);
      return tf.matMul(all, all, false, true).sub(tf.eye(sample.length).mul(4)).argMax(1);
    });
    const nearest = emb.dataSync();
    emb.dispose();
    const score = sample.reduce((n, s, i) => n + (sample[nearest[i]].label === s.label ? 1 : 0), 0);
    if (score > best.score) best = { crop, score };
  }
  params.dispose();
  return best.crop;
}

/**
 * The config finished on the run's data: its crop chosen, and (unless the epochs were given) at
 * least the profile's minimum number of optimizer steps. Configs without a backbone, unchanged.
 */
export function withChosenCrop(config: TrainConfig, data: TrainData, explicitEpochs?: number): TrainConfig {
  if (!config.backbone || config.backbone.crop > 0) return config;
  const steps = batchesPerEpoch(data.train.length, config.batch);
  const epochs = explicitEpochs ?? Math.max(config.epochs, Math.ceil(PRESETS[config.profile].minSteps / Math.max(1, steps)));
  return Object.freeze({ ...config, epochs, backbone: { ...config.backbone, crop: chooseCrop(config.backbone, data) } });
}
