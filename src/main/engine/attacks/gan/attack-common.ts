/**
 * What the two GAN attacks share as engine attacks (registry.ts): the target model from the run's
 * checkpoint, the public faces, the cached GAN prior trained on them, judge scoring of candidate
 * faces (nearest private image per identity), metrics, and per-identity sample grids.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../../shared/contract/errors.ts';
import type { AttackMetrics, JudgeScores } from '../../../../shared/domain/attack.ts';
import { readPixelCache } from '../../../data/cache/pixel-cache.ts';
import { loadAttackJudge, pickRows, type AttackJudge } from '../../judge/gallery.ts';
import { scoreReconstructions, type Candidate, type ReconstructionScore } from '../../judge/score.ts';
import type { FaceModel } from '../../train/face-model.ts';
import type { PublicFaces } from '../public-data.ts';
import { loadPublicFaces } from '../reconstruction/run.ts';
import { writeGrid } from '../sample-grid.ts';
import type { AttackHooks, AttackRequest, AttackSampleFile } from '../types.ts';
import { loadFaceModel } from '../whitebox/target.ts';
import { obtainPrior, pixelDigest, type ObtainedPrior } from './prior-cache.ts';
import { disposeLinearPrior, fitLinearPrior, type LinearPrior } from './linear-prior.ts';
import { toGanImages } from './nets.ts';
import { LINEAR_PRIOR_DIMS, priorConfig } from './profiles.ts';

/** The target run's model; model attacks need a trained checkpoint. */
export async function targetModel(req: AttackRequest): Promise<FaceModel> {
  if (!req.checkpointDir) throw new AppError('VALIDATION', 'This run has no trained model to attack. Train it (or resume it) first, then run the attack.');
  const model = await loadFaceModel(req.checkpointDir);
  const { size, channels } = model.config.input;
  if (size !== req.dataset.size || channels !== req.dataset.channels) throw new AppError('VALIDATION', `The run's model takes ${size}x${size}x${channels} images but its dataset is ${req.dataset.size}x${req.dataset.channels}.`);
  return model;
}

export async function datasetPixels(req: AttackRequest): Promise<Uint8Array> {
  return readPixelCache(req.dataset.cacheFile, { count: req.dataset.count, size: req.dataset.size, channels: req.dataset.channels });
}

/** Where cached priors live: `options.priorDir` (the jobs layer), else `<data dir>/gan-priors` beside `attacks/<id>`. */
export function priorRoot(req: AttackRequest): string {
  const dir = req.options.priorDir;
  return typeof dir === 'string' ? dir : join(req.outDir, '..', '..', 'gan-priors');
}

/** The public faces and the GAN prior trained on them (loaded when cached); null when stopped. */
export async function publicPrior(req: AttackRequest, hooks: AttackHooks): Promise<{ faces: PublicFaces; prior: ObtainedPrior } | null> {
  const faces = await loadPublicFaces(req);
  if (faces.count < 2) throw new AppError('VALIDATION', `The public data "${req.public.name}" has ${faces.count} faces; a GAN prior needs public faces (use --public with a dataset of other people).`);
  const config = priorConfig(req.profile, faces.channels, req.seed);
  const source = { name: req.public.name, digest: pixelDigest(faces.pixels) };
  const prior = await obtainPrior(priorRoot(req), source, faces, config, {
    shouldStop: hooks.shouldStop,
    onProgress: (d, t) => hooks.progress('training the GAN prior on public faces', d, t),
  });
  return prior ? { faces, prior } : null;
}

/** The public faces and the linear face prior fitted on them now (seconds: no cache needed) [ours]. */
export async function publicLinearPrior(req: AttackRequest, hooks: AttackHooks): Promise<{ faces: PublicFaces; linear: LinearPrior; details: Record<string, unknown>; dispose(): void }> {
  const faces = await loadPublicFaces(req);
  hooks.progress('fitting the linear face prior on public faces', 0, 1);
  const started = performance.now();
  const images = tf.tidy(() => toGanImages(tf.tensor4d(Float32Array.from(faces.pixels), [faces.count, faces.size, faces.size, faces.channels])));
  const k = Math.min(LINEAR_PRIOR_DIMS[req.profile], faces.count - 1);
  const linear = await fitLinearPrior(images, k, req.seed);
  images.dispose();
  return { faces, linear, details: { kind: 'linear', dims: k, fitSeconds: (performance.now() - started) / 1000 }, dispose: () => disposeLinearPrior(linear) };
}

/** The first `targets` private classes (all by default). */
export function targetIdentities(req: AttackRequest): number[] {
  const n = Math.min(req.targets ?? req.private.classes, req.private.classes);
  return Array.from({ length: n }, (_, i) => i);
}

/** What a model attack opens first: the target's model, the dataset's pixels and the judge over them. */
export async function openModelAttack(req: AttackRequest, hooks: AttackHooks): Promise<{ model: FaceModel; pixels: Uint8Array; j: AttackJudge }> {
  const model = await targetModel(req);
  const pixels = await datasetPixels(req);
  const phase = req.judge === 'trained' ? 'training the judge' : 'judge: embedding the dataset';
  const j = await loadAttackJudge(req, pixels, (d, t) => hooks.progress(phase, d, t), hooks.shouldStop);
  return { model, pixels, j };
}

/** Every identity's kept candidates as one batch for the judge, with one label per face. */
export function flattenCandidates(found: readonly { identity: number; pixels: Float32Array; confidence: readonly number[] }[]): { pixels: Float32Array; labels: number[] } {
  const pixels = new Float32Array(found.reduce((n, c) => n + c.pixels.length, 0));
  found.reduce((o, c) => (pixels.set(c.pixels, o), o + c.pixels.length), 0);
  return { pixels, labels: found.flatMap((c) => c.confidence.map(() => c.identity)) };
}

/** Judge scores of candidate faces `[n, size, size, C]` (0..255) of the given identities. */
export async function scoreCandidates(j: AttackJudge, pixels: Float32Array, labels: readonly number[]): Promise<ReconstructionScore> {
  const { size, channels, dim } = j.gallery;
  const stride = size * size * channels;
  const t = tf.tensor4d(pixels, [labels.length, size, size, channels]);
  const desc = await j.judge.embed(t);
  t.dispose();
  const candidates: Candidate[] = labels.map((label, i) => ({ label, embedding: desc.subarray(i * dim, (i + 1) * dim), pixels: pixels.subarray(i * stride, (i + 1) * stride) }));
  return scoreReconstructions(j.gallery, candidates);
}

export function judgeScores(s: ReconstructionScore): JudgeScores {
  return { acc1: s.acc1, acc5: s.acc5, knnDist: s.knnDist, psnr: s.psnr, ssim: s.ssim };
}

export function modelAttackMetrics(s: ReconstructionScore, extra: Pick<AttackMetrics, 'chance' | 'publicFaces' | 'note' | 'details' | 'queries'>): AttackMetrics {
  return { ...judgeScores(s), perIdentity: s.perIdentity, masked: null, keyChannelsRecovered: null, keyChannels: null, ...extra };
}

/**
 * Per identity a grid: its first private training images (top row) and the kept candidates
 * (bottom row); plus `overview.png` (first candidate of up to 10 identities over their private image).
 */
export async function writeCandidateGrids(req: AttackRequest, pixels: Uint8Array, candidates: { identity: number; pixels: Float32Array }[]): Promise<AttackSampleFile[]> {
  await mkdir(req.outDir, { recursive: true });
  const { size, channels } = req.dataset;
  const stride = size * size * channels;
  const privateOf = (label: number, k: number): Uint8Array => {
    const rows = req.private.train.filter((t) => t.label === label).slice(0, k).map((t) => t.row);
    return pickRows(pixels, rows, stride);
  };
  const split = (a: ArrayLike<number> & { subarray(s: number, e: number): ArrayLike<number> }, n: number): ArrayLike<number>[] => Array.from({ length: n }, (_, i) => a.subarray(i * stride, (i + 1) * stride));
  const out: AttackSampleFile[] = [];
  for (const c of candidates) {
    const n = c.pixels.length / stride;
    const own = privateOf(c.identity, n);
    const rows = [split(own, own.length / stride), split(c.pixels, n)];
    out.push(await writeGrid(req.outDir, `identity-${String(c.identity).padStart(4, '0')}.png`, rows, size, channels, { label: c.identity, kind: 'private|candidates' }));
  }
  const first = candidates.slice(0, 10);
  const overview = [first.map((c) => privateOf(c.identity, 1)), first.map((c) => c.pixels.subarray(0, stride))];
  out.push(await writeGrid(req.outDir, 'overview.png', overview, size, channels, { label: -1, kind: 'overview:private|candidates' }));
  return out;
}
