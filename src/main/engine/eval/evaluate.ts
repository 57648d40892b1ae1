/**
 * Evaluation of a trained face model on held-out images of its training identities:
 * identification accuracy (the head's closed-set prediction) and verification (pairs of
 * held-out images by cosine similarity of embeddings). Inference only; batched; no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { headLogits } from '../models/heads.ts';
import type { Ctx } from '../models/layers.ts';
import { batchTensor, type TrainData } from '../train/data.ts';
import { embed, type FaceModel } from '../train/face-model.ts';
import { allPairs, verification, type VerificationResult } from './verification.ts';

export interface Evaluation {
  identification: number;
  verification: VerificationResult;
}

const EVAL_BATCH = 64;

/** Normalised embeddings `[n, dim]` and predicted classes of the given cache rows. */
export async function inferRows(model: FaceModel, data: TrainData, rows: readonly number[]): Promise<{ embeddings: Float32Array; predicted: Int32Array }> {
  const dim = model.config.net.embedding;
  const embeddings = new Float32Array(rows.length * dim);
  const predicted = new Int32Array(rows.length);
  const ctx: Ctx = { params: model.params, training: false };
  for (let i = 0; i < rows.length; i += EVAL_BATCH) {
    const chunk = rows.slice(i, i + EVAL_BATCH);
    const [e, p] = tf.tidy(() => {
      const emb = embed(model, ctx, batchTensor(data, chunk));
      const normalised = emb.div(emb.norm('euclidean', 1, true).add(1e-8));
      return [normalised, headLogits(ctx, model.config.head, emb).argMax(1)];
    });
    embeddings.set(await e.data(), i * dim);
    predicted.set(await p.data(), i);
    tf.dispose([e, p]);
  }
  return { embeddings, predicted };
}

/** Fraction of held-out images whose predicted class is their own (0 when there are none). */
function heldoutAccuracy(predicted: Int32Array, data: TrainData): number {
  return data.heldout.length ? predicted.reduce((n, p, i) => n + (p === data.heldout[i].label ? 1 : 0), 0) / data.heldout.length : 0;
}

export async function identificationAccuracy(model: FaceModel, data: TrainData): Promise<number> {
  if (data.heldout.length === 0) return 0;
  const { predicted } = await inferRows(model, data, data.heldout.map((h) => h.row));
  return heldoutAccuracy(predicted, data);
}

export async function evaluate(model: FaceModel, data: TrainData): Promise<Evaluation> {
  const rows = data.heldout.map((h) => h.row);
  const { embeddings, predicted } = await inferRows(model, data, rows);
  const identification = heldoutAccuracy(predicted, data);
  const labels = data.heldout.map((h) => h.label);
  return { identification, verification: verification(allPairs(embeddings, model.config.net.embedding, labels), model.config.seed) };
}
