/**
 * The judge as an attack uses it: the model (pretrained, or `trained` on the raw private images)
 * and its gallery (descriptors and pixels of the private identities' training images), built from
 * an `AttackRequest`. Pretrained descriptors come from the dataset's embedding cache; the trained
 * judge is trained here, per attack.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../shared/contract/errors.ts';
import type { JudgeInfo } from '../../../shared/domain/attack.ts';
import type { BackendName } from '../../../shared/domain/run.ts';
import type { AttackRequest } from '../attacks/types.ts';
import { cachedEmbeddings } from './embedding-cache.ts';
import { JUDGE_DIM, loadPretrainedJudge, type Judge } from './face-api-judge.ts';
import type { Gallery } from './score.ts';
import { trainJudge } from './trained-judge.ts';

export interface AttackJudge {
  judge: Judge;
  gallery: Gallery;
  info: JudgeInfo;
}

/** Rows `rows` of a packed uint8 image array. */
export function pickRows(pixels: Uint8Array, rows: readonly number[], stride: number): Uint8Array {
  const out = new Uint8Array(rows.length * stride);
  rows.forEach((r, i) => out.set(pixels.subarray(r * stride, (r + 1) * stride), i * stride));
  return out;
}

/** The attack's judge and gallery; `trained` trains it first (progress through `onProgress`). */
export async function loadAttackJudge(req: AttackRequest, pixels: Uint8Array, onProgress: (done: number, total: number) => void, shouldStop: () => boolean = () => false): Promise<AttackJudge> {
  const backend = tf.getBackend();
  const { size, channels, count } = req.dataset;
  const rows = req.private.train.map((t) => t.row);
  let judge: Judge;
  let dim = JUDGE_DIM;
  let embeddings: Float32Array;
  if (req.judge === 'trained') {
    const data = { pixels, size, channels, train: req.private.train, heldout: req.private.heldout, classes: req.private.classes };
    const trained = await trainJudge(data, { profile: req.profile, seed: req.seed, backend: backend as BackendName, onStep: onProgress, shouldStop });
    if (!trained) throw new AppError('CANCELLED', 'The attack was cancelled while training its judge.');
    judge = trained;
    dim = trained.dim;
    const t = tf.tensor4d(Float32Array.from(pickRows(pixels, rows, size * size * channels)), [rows.length, size, size, channels]);
    embeddings = await judge.embed(t);
    t.dispose();
  } else {
    judge = await loadPretrainedJudge();
    const { embeddings: all } = await cachedEmbeddings(req.dataset.embeddingsFile, judge, { pixels, count, size, channels }, onProgress);
    embeddings = new Float32Array(rows.length * JUDGE_DIM);
    rows.forEach((r, i) => embeddings.set(all.subarray(r * JUDGE_DIM, (r + 1) * JUDGE_DIM), i * JUDGE_DIM));
  }
  const gallery: Gallery = {
    dim,
    embeddings,
    labels: Int32Array.from(req.private.train.map((t) => t.label)),
    classes: req.private.classes,
    pixels: pickRows(pixels, rows, size * size * channels),
    size,
    channels,
  };
  return { judge, gallery, info: { kind: req.judge, version: judge.version } };
}
