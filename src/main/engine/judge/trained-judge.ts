/**
 * The paper's alternative judge ("F1", `--judge trained`): the studio's own face network trained on
 * the raw private training images (undefended), with its own seed (the attack's + 7919) and
 * three-quarter stage widths, so it is not the target model [ours]. Descriptors are its normalised
 * embeddings; nothing is cached (it is trained per attack).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../shared/domain/run.ts';
import type { Ctx } from '../models/layers.ts';
import { resolveConfig, type Profile, type TrainConfig } from '../train/config.ts';
import type { TrainData } from '../train/data.ts';
import { createFaceModel, disposeFaceModel, embed } from '../train/face-model.ts';
import { train } from '../train/trainer.ts';
import type { Judge } from './face-api-judge.ts';

export const TRAINED_JUDGE_SEED_OFFSET = 7919;
const BATCH = 64;

export interface TrainedJudge extends Judge {
  dim: number;
}

/** Trains the judge; returns null when stopped. */
export async function trainJudge(data: TrainData, o: { profile: Profile; seed: number; backend: BackendName; epochs?: number; onStep(done: number, total: number): void; shouldStop(): boolean }): Promise<TrainedJudge | null> {
  const base = resolveConfig({ defense: 'none', profile: o.profile, seed: o.seed + TRAINED_JUDGE_SEED_OFFSET, backend: o.backend, epochs: o.epochs, input: { size: data.size, channels: data.channels, classes: data.classes } });
  const config: TrainConfig = Object.freeze({ ...base, net: { ...base.net, widths: base.net.widths.map((w) => Math.round((w * 3) / 4)) } });
  const model = createFaceModel(config, data);
  const optimizer = tf.train.adam(config.lr);
  const outcome = await train(model, optimizer, data, { onStep: (s) => o.onStep(s.epoch * s.stepsPerEpoch + s.step + 1, s.stepsPerEpoch * config.epochs), shouldStop: o.shouldStop });
  optimizer.dispose();
  if (outcome.status !== 'done') {
    disposeFaceModel(model);
    return null;
  }
  const ctx: Ctx = { params: model.params, training: false };
  const dim = config.net.embedding;
  return {
    version: `trained: studio FR net, seed ${config.seed}, widths ${config.net.widths.join('/')}, ${config.epochs} epochs on the raw private training images`,
    dim,
    async embed(pixels) {
      const n = pixels.shape[0];
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i += BATCH) {
        const e = tf.tidy(() => {
          const emb = embed(model, ctx, pixels.slice([i, 0, 0, 0], [Math.min(BATCH, n - i), -1, -1, -1]));
          return emb.div(emb.norm('euclidean', 1, true).add(1e-8));
        });
        out.set((await e.data()) as Float32Array, i * dim);
        e.dispose();
      }
      return out;
    },
    dispose: () => disposeFaceModel(model),
  };
}
