/**
 * The attacked face model as a white-box target: the run's own front end (with its key:
 * Kerckhoffs) and network in inference mode, pixels to head logits, differentiable in the pixels.
 * The model's parameters are never updated by an attack (only latents are optimised).
 */
import type * as tf from '@tensorflow/tfjs';
import { headLogits } from '../../models/heads.ts';
import type { Ctx } from '../../models/layers.ts';
import { loadCheckpoint, restoreInto } from '../../train/checkpoint.ts';
import type { TrainData } from '../../train/data.ts';
import { createFaceModel, embed, type FaceModel } from '../../train/face-model.ts';
import type { WhiteboxTarget } from './gmi.ts';

export function whiteboxTarget(model: FaceModel): WhiteboxTarget {
  const ctx: Ctx = { params: model.params, training: false };
  return {
    classes: model.config.input.classes,
    size: model.config.input.size,
    logits: (pixels: tf.Tensor4D) => headLogits(ctx, model.config.head, embed(model, ctx, pixels)),
  };
}

/** The trained model of a run, from its checkpoint folder (config, front end with its key, weights). */
export async function loadFaceModel(checkpointDir: string): Promise<FaceModel> {
  const ck = await loadCheckpoint(checkpointDir);
  const { config, frontEnd } = ck.manifest;
  const empty: TrainData = { pixels: new Uint8Array(0), size: config.input.size, channels: config.input.channels, train: [], heldout: [], classes: config.input.classes };
  const model = createFaceModel(config, empty, frontEnd);
  await restoreInto(ck, model.params);
  return model;
}
