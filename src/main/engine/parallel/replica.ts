/**
 * A model replica that can compute its loss on a list of items, built the same way by the leader
 * and by gradient helpers from a serialisable spec: the face model (config + fitted front end +
 * pixel cache) or the fixed `probe-cnn` benchmark (seeded random data).
 */
import * as tf from '@tensorflow/tfjs';
import { readPixelCache } from '../../data/cache/pixel-cache.ts';
import { applySignMasks, mixedLabels, mixTensor, type MixRecipe } from '../defence/mixing.ts';
import type { FrontEndState } from '../masking/front-end.ts';
import { headLoss, headLossPerSample } from '../models/heads.ts';
import { dense, denseParams, type Ctx } from '../models/layers.ts';
import { frNetForward, frNetParams } from '../models/fr-net.ts';
import type { Params } from '../models/params.ts';
import { PROBE_CLASSES, PROBE_INPUT, probeForward, probeParams } from '../models/probe-cnn.ts';
import { resolveConfig, type TrainConfig } from '../train/config.ts';
import { batchTensor, type Augment, type TrainData } from '../train/data.ts';
import { createFaceModel, embedInput, modelInput, type FaceModel } from '../train/face-model.ts';

/** One training item: a cache row (or a row of the probe's random batch) and its class. */
export interface Item {
  row: number;
  label: number;
  /** MixUp recipe of this anchor, with sources indexed within the items one replica receives */
  mix?: MixRecipe;
}

export type ReplicaSpec =
  | { kind: 'face'; config: TrainConfig; frontEnd: FrontEndState | null; cacheFile: string; count: number; size: number; channels: 1 | 3 }
  | { kind: 'bench'; model: BenchModelName; batch: number };

export interface Replica {
  params: Params;
  ctx: Ctx;
  /** mean loss over `items` (inside the caller's tidy / variableGrads) */
  loss(items: readonly Item[], augment?: readonly Augment[]): tf.Scalar;
  /** the per-sample losses of the last `loss` call, when the defence asks for them (adaptive) */
  takePerSample?(): Float32Array | null;
  dispose(): void;
}

/**
 * The face model's training loss. Items carrying MixUp recipes are mixed after the front end (or
 * the pixel scaling) with their sign masks, and scored against their mixed labels (DESIGN 5.2);
 * standardisation is affine and the weights sum to 1, so mixing standardised inputs equals
 * standardising the mix of masked coefficients (what an export holds); with unit-energy mixing the
 * standardised inputs' mean is 0, so scaling the mix is scaling its deviation from the mean.
 */
export function faceReplica(model: FaceModel, data: TrainData): Replica {
  const ctx: Ctx = { params: model.params, training: true, statUpdates: [] };
  const keepPerSample = model.config.defence?.mixing?.k === 'policy';
  let perSample: tf.Tensor | null = null;
  return {
    params: model.params,
    ctx,
    loss: (items, augment) => {
      const pixels = batchTensor(data, items.map((i) => i.row), augment);
      const recipes = items.every((i) => i.mix) ? items.map((i) => i.mix!) : null;
      if (!recipes) {
        const labels = tf.tensor2d(items.map((i) => [i.label]), [items.length, 1], 'int32');
        return headLoss(ctx, model.config.head, embedInput(model, ctx, modelInput(model, pixels)), labels, tf.onesLike(labels).toFloat() as tf.Tensor2D);
      }
      const unitEnergy = model.config.defence?.mixing?.energy === 'unit';
      const input = applySignMasks(mixTensor(modelInput(model, pixels), recipes, { unitEnergy }), recipes);
      const mixed = mixedLabels(recipes, items.map((i) => i.label));
      const labels = tf.tensor2d(mixed.labels, [items.length, mixed.width], 'int32');
      const weights = tf.tensor2d(mixed.weights, [items.length, mixed.width]);
      const per = headLossPerSample(ctx, model.config.head, embedInput(model, ctx, input), labels, weights);
      if (keepPerSample) {
        perSample?.dispose();
        perSample = tf.keep(per);
      }
      return per.mean() as tf.Scalar;
    },
    takePerSample: () => {
      if (!perSample) return null;
      const values = perSample.dataSync() as Float32Array;
      perSample.dispose();
      perSample = null;
      return values;
    },
    dispose: () => model.params.dispose(),
  };
}

export type BenchModelName = 'probe-cnn' | 'default';

/** The studio's FR network (standard profile) on its default input: 112 grey -> [14, 14, 36]. */
const DEFAULT_BENCH_NET = resolveConfig({ defense: 'ppfr-fd', profile: 'standard', seed: 1, backend: 'wasm', input: { size: 112, channels: 1, classes: 40 } }).net;

const BENCH_MODELS: Record<BenchModelName, { input: number[]; classes: number; params(): Params; forward(ctx: Ctx, x: tf.Tensor4D): tf.Tensor2D }> = {
  'probe-cnn': { input: [...PROBE_INPUT], classes: PROBE_CLASSES, params: () => probeParams(1), forward: probeForward },
  default: {
    input: [14, 14, DEFAULT_BENCH_NET.inputChannels],
    classes: 40,
    params: () => {
      const p = frNetParams(DEFAULT_BENCH_NET, 1);
      denseParams(p, 'bench-head', DEFAULT_BENCH_NET.embedding, 40);
      return p;
    },
    forward: (ctx, x) => dense(ctx, 'bench-head', frNetForward(ctx, DEFAULT_BENCH_NET, x)),
  },
};

/** A benchmark model on a fixed, seeded random batch `[batch, ...input]` with random labels. */
export function benchReplica(model: BenchModelName, batch: number): Replica {
  const m = BENCH_MODELS[model];
  const params = m.params();
  const ctx: Ctx = { params, training: true, statUpdates: [] };
  const x = tf.randomNormal([batch, ...m.input] as [number, number, number, number], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, m.classes, 'int32', 8), m.classes));
  return {
    params,
    ctx,
    loss: (items) => {
      const [xs, ys] = pickRows([x, y], items.map((i) => i.row));
      return tf.losses.softmaxCrossEntropy(ys, m.forward(ctx, xs as tf.Tensor4D)) as tf.Scalar;
    },
    dispose: () => {
      params.dispose();
      tf.dispose([x, y]);
    },
  };
}

/**
 * Rows of each tensor: a Slice when they are consecutive (the benchmark's halves always are), as
 * the PyTorch reference reads its batch in place; GatherV2 otherwise (slow on wasm).
 */
function pickRows(tensors: tf.Tensor[], rows: number[]): tf.Tensor[] {
  const consecutive = rows.every((r, i) => r === rows[0] + i);
  if (consecutive) return tensors.map((t) => t.slice(rows[0], rows.length));
  const index = tf.tensor1d(rows, 'int32');
  return tensors.map((t) => tf.gather(t, index));
}

export async function buildReplica(spec: ReplicaSpec): Promise<Replica> {
  if (spec.kind === 'bench') return benchReplica(spec.model, spec.batch);
  const pixels = await readPixelCache(spec.cacheFile, { count: spec.count, size: spec.size, channels: spec.channels });
  const data: TrainData = { pixels, size: spec.size, channels: spec.channels, train: [], heldout: [], classes: spec.config.input.classes };
  return faceReplica(createFaceModel(spec.config, data, spec.frontEnd), data);
}
