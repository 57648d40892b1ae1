/**
 * A face model as trained and evaluated: frozen config, parameters (backbone + head), and the
 * fitted front end for frequency defences. Turns pixel batches into network inputs and embeddings.
 */
import * as tf from '@tensorflow/tfjs';
import { backboneForward, backboneParams } from '../backbone/backbone-model.ts';
import { applyFrontEnd, fitFrontEnd, type FrontEndState } from '../masking/front-end.ts';
import { frNetForward, frNetParams } from '../models/fr-net.ts';
import { headParams } from '../models/heads.ts';
import type { Ctx } from '../models/layers.ts';
import type { Params } from '../models/params.ts';
import type { TrainConfig } from './config.ts';
import { batchTensor, type TrainData } from './data.ts';

export interface FaceModel {
  config: TrainConfig;
  params: Params;
  frontEnd: FrontEndState | null;
}

/** Fits the front end (frequency defences) on up to 512 training images, and builds parameters. */
export function createFaceModel(config: TrainConfig, data: TrainData, frontEnd?: FrontEndState | null): FaceModel {
  let fe = frontEnd ?? null;
  if (config.frontEnd && !fe) {
    const sample = batchTensor(data, data.train.slice(0, 512).map((t) => t.row));
    fe = fitFrontEnd(sample, config.frontEnd);
    sample.dispose();
  }
  const params = config.backbone ? backboneParams(config.backbone, config.seed) : frNetParams(config.net, config.seed);
  headParams(params, config.head, config.net.embedding, config.input.classes);
  return { config, params, frontEnd: fe };
}

/** Network input for pixels `[N, S, S, C]` in 0..255: masked frequency channels, or scaled pixels. */
export function modelInput(model: FaceModel, pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => (model.frontEnd ? applyFrontEnd(pixels, model.frontEnd) : (pixels.sub(127.5).div(128) as tf.Tensor4D)));
}

export function embed(model: FaceModel, ctx: Ctx, pixels: tf.Tensor4D): tf.Tensor2D {
  return embedInput(model, ctx, modelInput(model, pixels));
}

/** Embeddings of network inputs (`modelInput`'s output, possibly mixed): the scratch FR network or the pretrained backbone. */
export function embedInput(model: FaceModel, ctx: Ctx, input: tf.Tensor4D): tf.Tensor2D {
  const bb = model.config.backbone;
  return bb ? backboneForward(ctx, bb, model.frontEnd, input) : frNetForward(ctx, model.config.net, input);
}

export function disposeFaceModel(model: FaceModel): void {
  model.params.dispose();
}
