/**
 * The white-box GMI attack as an engine attack (registry.ts): the run's model (weights, front end
 * and key: Kerckhoffs), the GAN prior of the public faces (cached), GMI per target identity, and
 * the judge's scores of the kept candidates against the private images. `options.prior = 'linear'`
 * searches the linear Gaussian prior of the public faces (linear-prior.ts) instead of the GAN [ours].
 */
import { AppError } from '../../../../shared/contract/errors.ts';
import { disposeFaceModel } from '../../train/face-model.ts';
import { flattenCandidates, modelAttackMetrics, openModelAttack, publicPrior, scoreCandidates, targetIdentities, writeCandidateGrids } from '../gan/attack-common.ts';
import { ATTACK_PRESETS, LINEAR_PRIOR_DIMS } from '../gan/profiles.ts';
import { disposeGanTraining } from '../gan/train-gan.ts';
import type { AttackHooks, AttackOutput, AttackRequest } from '../types.ts';
import * as tf from '@tensorflow/tfjs';
import { disposeLinearPrior, fitLinearPrior } from '../gan/linear-prior.ts';
import { toGanImages } from '../gan/nets.ts';
import type { PublicFaces } from '../public-data.ts';
import { loadPublicFaces } from '../reconstruction/run.ts';
import { invertWhitebox, type Prior } from './gmi.ts';
import { whiteboxTarget } from './target.ts';

/** The face prior the request asks for: the cached GAN (default) or the linear prior fitted now; null when stopped. */
async function facePrior(req: AttackRequest, hooks: AttackHooks): Promise<{ prior: Prior; faces: PublicFaces; details: Record<string, unknown>; dispose(): void } | null> {
  if (req.options.prior === 'linear') {
    const faces = await loadPublicFaces(req);
    hooks.progress('fitting the linear face prior on public faces', 0, 1);
    const started = performance.now();
    const images = tf.tidy(() => toGanImages(tf.tensor4d(Float32Array.from(faces.pixels), [faces.count, faces.size, faces.size, faces.channels])));
    const k = Math.min(LINEAR_PRIOR_DIMS[req.profile], faces.count - 1);
    const linear = await fitLinearPrior(images, k, req.seed);
    images.dispose();
    return { prior: { linear }, faces, details: { kind: 'linear', dims: k, fitSeconds: (performance.now() - started) / 1000 }, dispose: () => disposeLinearPrior(linear) };
  }
  const pp = await publicPrior(req, hooks);
  if (!pp) return null;
  const { prior } = pp;
  return { prior: { params: prior.training.params, gan: prior.config.gan }, faces: pp.faces, details: { kind: 'gan', dir: prior.dir, reused: prior.reused, trainSeconds: prior.seconds, config: prior.config }, dispose: () => disposeGanTraining(prior.training) };
}

export async function runWhiteboxAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  if (req.key === 'unknown') throw new AppError('UNSUPPORTED', 'A white-box attack needs --key known (the job refuses it earlier).');
  const { model, pixels, j } = await openModelAttack(req, hooks);
  try {
    const fp = await facePrior(req, hooks);
    if (!fp) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const ids = targetIdentities(req);
    const cfg = { ...ATTACK_PRESETS[req.profile].whitebox, seed: req.seed };
    const started = performance.now();
    const found = await invertWhitebox(fp.prior, whiteboxTarget(model), ids, cfg, {
      shouldStop: hooks.shouldStop,
      onProgress: (d, t) => hooks.progress('optimising latent codes (GMI)', d, t),
    });
    fp.dispose();
    if (!found) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const inversionSeconds = (performance.now() - started) / 1000;
    hooks.progress('scoring the candidates', 0, 1);
    const flat = flattenCandidates(found);
    const score = await scoreCandidates(j, flat.pixels, flat.labels);
    const samples = await writeCandidateGrids(req, pixels, found);
    const details = {
      prior: fp.details,
      gmi: cfg,
      inversionSeconds,
      targetConfidence: found.reduce((s, c) => s + c.confidence[0], 0) / found.length,
      public: req.public.name,
    };
    return { status: 'done', judge: j.info, samples, metrics: modelAttackMetrics(score, { chance: 1 / req.private.classes, publicFaces: fp.faces.count, note: null, details, queries: null }) };
  } finally {
    j.judge.dispose();
    disposeFaceModel(model);
  }
}
