/**
 * The black-box conditional-GAN attack as an engine attack (registry.ts): the run's model is
 * reached only through `queryTarget` (plain arrays, counted); public faces are pseudo-labelled,
 * a conditional GAN is fine-tuned from the cached prior, candidates are kept by the target's
 * answers, and the judge scores them, beside a baseline of random public faces scored the same way.
 */
import { Rng, hashSeed } from '../../../data/synth/random.ts';
import { disposeFaceModel } from '../../train/face-model.ts';
import { flattenCandidates, judgeScores, modelAttackMetrics, openModelAttack, publicPrior, scoreCandidates, targetIdentities, writeCandidateGrids } from '../gan/attack-common.ts';
import { ATTACK_PRESETS } from '../gan/profiles.ts';
import { disposeGanTraining } from '../gan/train-gan.ts';
import type { PublicFaces } from '../public-data.ts';
import type { AttackHooks, AttackOutput, AttackRequest } from '../types.ts';
import { invertBlackbox } from './plg.ts';
import { queryTarget } from './query-target.ts';

/** `keep` random public faces per identity (seeded): what an attacker gets without the target. */
function randomPublic(faces: PublicFaces, ids: number[], keep: number, seed: number): { pixels: Float32Array; labels: number[] } {
  const stride = faces.size * faces.size * faces.channels;
  const pixels = new Float32Array(ids.length * keep * stride);
  const labels: number[] = [];
  const rng = new Rng(hashSeed(seed, 0xba5e));
  ids.forEach((id) => {
    for (let k = 0; k < keep; k++) {
      const row = rng.int(faces.count);
      pixels.set(faces.pixels.subarray(row * stride, (row + 1) * stride), labels.length * stride);
      labels.push(id);
    }
  });
  return { pixels, labels };
}

export async function runBlackboxAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  const { model, pixels, j } = await openModelAttack(req, hooks);
  try {
    const pp = await publicPrior(req, hooks);
    if (!pp) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const { prior, faces } = pp;
    const ids = targetIdentities(req);
    const cfg = { ...ATTACK_PRESETS[req.profile].blackbox, seed: req.seed };
    const oracle = queryTarget(model);
    const started = performance.now();
    const result = await invertBlackbox({ params: prior.training.params, config: prior.config }, { pixels: Float32Array.from(faces.pixels), count: faces.count }, oracle, ids, cfg, {
      shouldStop: hooks.shouldStop,
      onProgress: (d, t) => hooks.progress('conditional GAN on pseudo-labels, then sampling', d, t),
    });
    disposeGanTraining(prior.training);
    if (!result) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const attackSeconds = (performance.now() - started) / 1000;
    hooks.progress('scoring the candidates and the random-public baseline', 0, 1);
    const flat = flattenCandidates(result.candidates);
    const score = await scoreCandidates(j, flat.pixels, flat.labels);
    const base = randomPublic(faces, ids, cfg.keep, req.seed);
    const baseline = judgeScores(await scoreCandidates(j, base.pixels, base.labels));
    const samples = await writeCandidateGrids(req, pixels, result.candidates);
    const details = {
      prior: { dir: prior.dir, reused: prior.reused, trainSeconds: prior.seconds, config: prior.config },
      plg: cfg,
      attackSeconds,
      baseline: { what: `${cfg.keep} random public faces per identity, scored by the same judge`, ...baseline },
      targetConfidence: result.candidates.reduce((s, c) => s + c.confidence[0], 0) / result.candidates.length,
      pseudoLabelled: new Set(result.pseudoLabels.flat()).size,
      finalCurve: result.curves.at(-1) ?? null,
      public: req.public.name,
    };
    const note = req.key === 'unknown' ? 'The black-box attacker sends pixels; the front end and its key stay inside the model, so --key does not change this attack.' : null;
    return { status: 'done', judge: j.info, samples, metrics: modelAttackMetrics(score, { chance: 1 / req.private.classes, publicFaces: faces.count, note, details, queries: result.queries }) };
  } finally {
    j.judge.dispose();
    disposeFaceModel(model);
  }
}
