/**
 * The judge as an attack uses it: the model (pretrained, or `trained` on the raw private images)
 * and its gallery (descriptors and pixels of the private identities' training images), built from
 * an `AttackRequest`. Pretrained descriptors come from the dataset's embedding cache.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import type { JudgeInfo } from '../../../shared/domain/attack.ts';
import type { AttackRequest } from '../attacks/types.ts';
import { cachedEmbeddings } from './embedding-cache.ts';
import { JUDGE_DIM, loadPretrainedJudge, type Judge } from './face-api-judge.ts';
import type { Gallery } from './score.ts';

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

export async function loadAttackJudge(req: AttackRequest, pixels: Uint8Array, onProgress: (done: number, total: number) => void): Promise<AttackJudge> {
  if (req.judge === 'trained') {
    throw new AppError('UNSUPPORTED', 'The trained judge (--judge trained) is not in this version yet; use the pretrained judge (the default).');
  }
  const { size, channels, count } = req.dataset;
  const judge = await loadPretrainedJudge();
  const { embeddings: all } = await cachedEmbeddings(req.dataset.embeddingsFile, judge, { pixels, count, size, channels }, onProgress);
  const rows = req.private.train.map((t) => t.row);
  const embeddings = new Float32Array(rows.length * JUDGE_DIM);
  rows.forEach((r, i) => embeddings.set(all.subarray(r * JUDGE_DIM, (r + 1) * JUDGE_DIM), i * JUDGE_DIM));
  const gallery: Gallery = {
    dim: JUDGE_DIM,
    embeddings,
    labels: Int32Array.from(req.private.train.map((t) => t.label)),
    classes: req.private.classes,
    pixels: pickRows(pixels, rows, size * size * channels),
    size,
    channels,
  };
  return { judge, gallery, info: { kind: 'pretrained', version: judge.version } };
}
