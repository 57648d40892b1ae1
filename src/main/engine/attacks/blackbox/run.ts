/**
 * The black-box conditional-GAN attack as an engine attack (registry.ts): the run's model is
 * reached only through `queryTarget` (plain arrays, counted); public faces are pseudo-labelled,
 * a conditional GAN is fine-tuned from the cached prior, candidates are kept by the target's
 * answers, and the judge scores them, beside a baseline of random public faces scored the same way.
 * With `--prior linear` the candidates come from a query-only NES search in the linear prior (nes.ts) [ours].
 */
import { Rng, hashSeed } from '../../../data/synth/random.ts';
import { disposeFaceModel } from '../../train/face-model.ts';
import { flattenCandidates, judgeScores, modelAttackMetrics, openModelAttack, publicLinearPrior, publicPrior, scoreCandidates, targetIdentities, writeCandidateGrids } from '../gan/attack-common.ts';
import { ATTACK_PRESETS } from '../gan/profiles.ts';
import { disposeGanTraining } from '../gan/train-gan.ts';
import type { PublicFaces } from '../public-data.ts';
import type { AttackHooks, AttackOutput, AttackRequest } from '../types.ts';
import { invertBlackbox } from './plg.ts';
import { invertNes } from './nes.ts';
import { queryTarget, type QueryTarget } from './query-target.ts';
import type { Candidates } from '../whitebox/gmi.ts';

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

/** The conditional GAN of PLG-MI (default), or with `options.prior = 'linear'` the query-only NES search in the linear prior [ours]; null when stopped. */
async function blackboxCandidates(req: AttackRequest, hooks: AttackHooks, oracle: QueryTarget, ids: number[]): Promise<{ faces: PublicFaces; candidates: Candidates[]; topPublic?: { pixels: Float32Array; labels: number[] }; details: Record<string, unknown> } | null> {
  const onProgress = (d: number, t: number): void => hooks.progress(req.options.prior === 'linear' ? 'searching the linear prior by queries (NES)' : 'conditional GAN on pseudo-labels, then sampling', d, t);
  if (req.options.prior === 'linear') {
    const started = performance.now();
    const lp = await publicLinearPrior(req, hooks);
    const cfg = { ...ATTACK_PRESETS[req.profile].nes, seed: req.seed };
    const r = await invertNes(lp.linear, { pixels: Float32Array.from(lp.faces.pixels), count: lp.faces.count }, oracle, ids, cfg, { shouldStop: hooks.shouldStop, onProgress });
    lp.dispose();
    if (!r) return null;
    const topPublic = flattenCandidates(r.topPublic);
    return { faces: lp.faces, candidates: r.candidates, topPublic, details: { prior: lp.details, nes: cfg, searchedKept: r.searchedKept, attackSeconds: (performance.now() - started) / 1000 } };
  }
  const pp = await publicPrior(req, hooks);
  if (!pp) return null;
  const { prior, faces } = pp;
  const cfg = { ...ATTACK_PRESETS[req.profile].blackbox, seed: req.seed };
  const attackStart = performance.now();
  const result = await invertBlackbox({ params: prior.training.params, config: prior.config }, { pixels: Float32Array.from(faces.pixels), count: faces.count }, oracle, ids, cfg, { shouldStop: hooks.shouldStop, onProgress });
  disposeGanTraining(prior.training);
  if (!result) return null;
  const details = {
    prior: { dir: prior.dir, reused: prior.reused, trainSeconds: prior.seconds, config: prior.config },
    plg: cfg,
    attackSeconds: (performance.now() - attackStart) / 1000,
    pseudoLabelled: new Set(result.pseudoLabels.flat()).size,
    finalCurve: result.curves.at(-1) ?? null,
  };
  return { faces, candidates: result.candidates, details };
}

export async function runBlackboxAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  const { model, pixels, j } = await openModelAttack(req, hooks);
  try {
    const ids = targetIdentities(req);
    const oracle = queryTarget(model);
    const found = await blackboxCandidates(req, hooks, oracle, ids);
    if (!found) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const { faces, candidates } = found;
    const keep = candidates[0]?.confidence.length ?? 1;
    hooks.progress('scoring the candidates and the random-public baseline', 0, 1);
    const flat = flattenCandidates(candidates);
    const score = await scoreCandidates(j, flat.pixels, flat.labels);
    const base = randomPublic(faces, ids, keep, req.seed);
    const baseline = judgeScores(await scoreCandidates(j, base.pixels, base.labels));
    const samples = await writeCandidateGrids(req, pixels, candidates);
    const top = found.topPublic;
    const details = {
      ...found.details,
      baseline: { what: `${keep} random public faces per identity, scored by the same judge`, ...baseline },
      ...(top && { topPublic: { what: `the ${keep} public faces the target scores highest per identity, without the search`, ...judgeScores(await scoreCandidates(j, top.pixels, top.labels)) } }),
      targetConfidence: candidates.reduce((s, c) => s + c.confidence[0], 0) / candidates.length,
      public: req.public.name,
    };
    const note = req.key === 'unknown' ? 'The black-box attacker sends pixels; the front end and its key stay inside the model, so --key does not change this attack.' : null;
    return { status: 'done', judge: j.info, samples, metrics: modelAttackMetrics(score, { chance: 1 / req.private.classes, publicFaces: faces.count, note, details, queries: oracle.queries }) };
  } finally {
    j.judge.dispose();
    disposeFaceModel(model);
  }
}
