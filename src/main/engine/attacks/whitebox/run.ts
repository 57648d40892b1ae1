/**
 * The white-box GMI attack as an engine attack (registry.ts): the run's model (weights, front end
 * and key: Kerckhoffs), the GAN prior of the public faces (cached), GMI per target identity, and
 * the judge's scores of the kept candidates against the private images.
 */
import { AppError } from '../../../../shared/contract/errors.ts';
import { disposeFaceModel } from '../../train/face-model.ts';
import { flattenCandidates, modelAttackMetrics, openModelAttack, publicPrior, scoreCandidates, targetIdentities, writeCandidateGrids } from '../gan/attack-common.ts';
import { ATTACK_PRESETS } from '../gan/profiles.ts';
import { disposeGanTraining } from '../gan/train-gan.ts';
import type { AttackHooks, AttackOutput, AttackRequest } from '../types.ts';
import { invertWhitebox } from './gmi.ts';
import { whiteboxTarget } from './target.ts';

export async function runWhiteboxAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  if (req.key === 'unknown') throw new AppError('UNSUPPORTED', 'A white-box attack needs --key known (the job refuses it earlier).');
  const { model, pixels, j } = await openModelAttack(req, hooks);
  try {
    const pp = await publicPrior(req, hooks);
    if (!pp) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const { prior, faces } = pp;
    const ids = targetIdentities(req);
    const cfg = { ...ATTACK_PRESETS[req.profile].whitebox, seed: req.seed };
    const started = performance.now();
    const found = await invertWhitebox({ params: prior.training.params, gan: prior.config.gan }, whiteboxTarget(model), ids, cfg, {
      shouldStop: hooks.shouldStop,
      onProgress: (d, t) => hooks.progress('optimising latent codes (GMI)', d, t),
    });
    disposeGanTraining(prior.training);
    if (!found) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const inversionSeconds = (performance.now() - started) / 1000;
    hooks.progress('scoring the candidates', 0, 1);
    const flat = flattenCandidates(found);
    const score = await scoreCandidates(j, flat.pixels, flat.labels);
    const samples = await writeCandidateGrids(req, pixels, found);
    const details = {
      prior: { dir: prior.dir, reused: prior.reused, trainSeconds: prior.seconds, config: prior.config },
      gmi: cfg,
      inversionSeconds,
      targetConfidence: found.reduce((s, c) => s + c.confidence[0], 0) / found.length,
      public: req.public.name,
    };
    return { status: 'done', judge: j.info, samples, metrics: modelAttackMetrics(score, { chance: 1 / req.private.classes, publicFaces: faces.count, note: null, details, queries: null }) };
  } finally {
    j.judge.dispose();
    disposeFaceModel(model);
  }
}
