/**
 * The masked-data reconstruction attack (DESIGN.md 6): the attacker holds a run's leaked masked
 * training set (exactly what `veil export` writes: `maskedCoefficients` with the run's fitted front
 * end) and public faces. It trains the decoder on public faces through its view of the defence
 * (key known, or estimated from channel statistics), rebuilds the leaked samples, and the judge
 * scores them against their source images, beside the visualised masked samples' own scores.
 * Undefended runs leak the faces themselves: the reconstruction is the identity map (said so).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { readPixelCache } from '../../../data/cache/pixel-cache.ts';
import type { AttackMetrics, JudgeScores } from '../../../../shared/domain/attack.ts';
import { loadAttackJudge, pickRows, type AttackJudge } from '../../judge/gallery.ts';
import { scoreReconstructions, type Candidate, type ReconstructionScore } from '../../judge/score.ts';
import { maskedCoefficients, visualiseMasked, type FrontEndState } from '../../masking/front-end.ts';
import { loadCheckpoint } from '../../train/checkpoint.ts';
import { publicFaces, type PublicFaces } from '../public-data.ts';
import { writeGrid } from '../sample-grid.ts';
import type { AttackHooks, AttackOutput, AttackRequest, AttackSampleFile } from '../types.ts';
import { knownKeyView, reorderLeaked, type AttackerView } from './frequency.ts';
import { channelsRecovered, estimateView } from './key-estimate.ts';
import { DECODER_PROFILES, disposeDecoder, reconstruct, trainDecoder } from './train-decoder.ts';

const CHUNK = 32;

/** Applies `f` to `[n, ...]` float images in chunks; returns the packed outputs. */
async function mapChunks(pixels: Float32Array | Uint8Array, n: number, shape: [number, number, number], f: (x: tf.Tensor4D) => tf.Tensor4D): Promise<Float32Array> {
  const stride = shape[0] * shape[1] * shape[2];
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    const y = tf.tidy(() => f(tf.tensor4d(Float32Array.from(pixels.subarray(i * stride, (i + m) * stride)), [m, ...shape])));
    parts.push((await y.data()) as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

async function scoreImages(j: AttackJudge, images: Float32Array, labels: readonly number[], sources: readonly number[]): Promise<ReconstructionScore> {
  const { size, channels } = j.gallery;
  const stride = size * size * channels;
  const emb = await mapChunks(images, labels.length, [size, size, channels], (x) => x);
  const t = tf.tensor4d(emb, [labels.length, size, size, channels]);
  const desc = await j.judge.embed(t);
  t.dispose();
  const candidates: Candidate[] = labels.map((label, i) => ({ label, embedding: desc.subarray(i * j.gallery.dim, (i + 1) * j.gallery.dim), pixels: images.subarray(i * stride, (i + 1) * stride), source: sources[i] }));
  return scoreReconstructions(j.gallery, candidates);
}

function scores(s: ReconstructionScore): JudgeScores {
  return { acc1: s.acc1, acc5: s.acc5, knnDist: s.knnDist, psnr: s.psnr, ssim: s.ssim };
}

export async function loadPublicFaces(req: AttackRequest): Promise<PublicFaces> {
  const p = req.public;
  if (p.kind === 'synthetic') return publicFaces(p, req.dataset.size, req.dataset.channels);
  const pixels = await readPixelCache(p.cacheFile, { count: p.count, size: p.size, channels: p.channels });
  return publicFaces({ kind: 'rows', pixels, size: p.size, channels: p.channels, rows: p.rows, labels: p.labels }, req.dataset.size, req.dataset.channels);
}

async function frontEndOf(req: AttackRequest): Promise<FrontEndState | null> {
  if (req.defense === 'none' || !req.checkpointDir) return null;
  return (await loadCheckpoint(req.checkpointDir)).manifest.frontEnd;
}

export async function runReconstructionAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  const { size, channels, count } = req.dataset;
  const shape: [number, number, number] = [size, size, channels];
  const pixels = await readPixelCache(req.dataset.cacheFile, { count, size, channels });
  const j = await loadAttackJudge(req, pixels, (d, t) => hooks.progress(req.judge === 'trained' ? 'training the judge' : 'judge: embedding the dataset', d, t), hooks.shouldStop);
  try {
    const targets = req.targets ?? req.private.classes;
    const leakedItems = req.private.train.map((t, index) => ({ ...t, index })).filter((t) => t.label < targets);
    const labels = leakedItems.map((t) => t.label);
    const sources = leakedItems.map((t) => t.index);
    const originals = pickRows(pixels, leakedItems.map((t) => t.row), size * size * channels);
    const frontEnd = await frontEndOf(req);
    const chance = 1 / req.private.classes;
    if (!frontEnd) {
      const own = await scoreImages(j, Float32Array.from(originals), labels, sources);
      const samples = await writeSamples(req, [originals], labels);
      const note = 'Undefended run: the leaked training set is the faces themselves, so the reconstruction is the identity map; the scores are the judge on the raw training images.';
      return { status: 'done', judge: j.info, samples, metrics: metrics(own, scores(own), chance, { note, publicFaces: 0, details: { identityMap: true } }) };
    }
    const leaked = await mapChunks(originals, labels.length, shape, (x) => maskedCoefficients(x, frontEnd));
    const b = size / 8;
    const k = frontEnd.kept.length;
    const visual = await mapChunks(leaked, labels.length, [b, b, k], (m) => visualiseMasked(m, frontEnd));
    hooks.progress('scoring the masked samples', 0, 1);
    const masked = scores(await scoreImages(j, visual, labels, sources));
    const faces = await loadPublicFaces(req);
    const truth = knownKeyView(frontEnd);
    const view = req.key === 'known' ? truth : estimateWithPublic(leaked, labels.length, [b, b, k], faces, frontEnd.planes);
    const cfg = DECODER_PROFILES[req.profile];
    const decoder = await trainDecoder(faces, view, cfg, req.seed, { onStep: (d, t) => hooks.progress('training the decoder', d, t), shouldStop: hooks.shouldStop });
    if (!decoder) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const recon = await mapChunks(leaked, labels.length, [b, b, k], (m) => reconstruct(decoder, reorderLeaked(m, view.position)));
    const details = { decoder: { ...cfg, finalLoss: decoder.finalLoss, keptChannels: k, removedChannels: view.removed.length }, public: req.public.name, leakedSamples: labels.length };
    disposeDecoder(decoder);
    hooks.progress('scoring the reconstructions', 0, 1);
    const rec = await scoreImages(j, recon, labels, sources);
    const samples = await writeSamples(req, [originals, visual, recon], labels);
    const recovered = req.key === 'unknown' ? channelsRecovered(view, truth) : null;
    return { status: 'done', judge: j.info, samples, metrics: metrics(rec, masked, chance, { note: null, publicFaces: faces.count, details, keyChannelsRecovered: recovered, keyChannels: req.key === 'unknown' ? k : null }) };
  } finally {
    j.judge.dispose();
  }
}

function estimateWithPublic(leaked: Float32Array, n: number, shape: [number, number, number], faces: PublicFaces, planes: 1 | 3): AttackerView {
  const m = Math.min(faces.count, 512);
  const pub = tf.tensor4d(Float32Array.from(faces.pixels.subarray(0, m * faces.size * faces.size * faces.channels)), [m, faces.size, faces.size, faces.channels]);
  const lk = tf.tensor4d(leaked, [n, ...shape]);
  const view = estimateView(lk, pub, planes);
  tf.dispose([pub, lk]);
  return view;
}

function metrics(s: ReconstructionScore, masked: JudgeScores, chance: number, extra: Pick<AttackMetrics, 'note' | 'publicFaces' | 'details'> & Partial<AttackMetrics>): AttackMetrics {
  return { ...scores(s), perIdentity: s.perIdentity, chance, masked, keyChannelsRecovered: null, keyChannels: null, queries: null, ...extra };
}

/** Per identity: up to 3 samples as rows of [private | masked | reconstruction]; plus `overview.png` (one sample of up to 10 identities). */
async function writeSamples(req: AttackRequest, columns: (Uint8Array | Float32Array)[], labels: readonly number[]): Promise<AttackSampleFile[]> {
  await mkdir(req.outDir, { recursive: true });
  const { size, channels } = req.dataset;
  const stride = size * size * channels;
  const image = (col: number, i: number): ArrayLike<number> => columns[col].subarray(i * stride, (i + 1) * stride);
  const kind = columns.length === 1 ? 'private' : 'private|masked|reconstruction';
  const out: AttackSampleFile[] = [];
  const firstOf = new Map<number, number[]>();
  labels.forEach((l, i) => firstOf.set(l, [...(firstOf.get(l) ?? []), i]));
  for (const [label, idx] of firstOf) {
    const rows = idx.slice(0, 3).map((i) => columns.map((_, c) => image(c, i)));
    out.push(await writeGrid(req.outDir, `identity-${String(label).padStart(4, '0')}.png`, rows, size, channels, { label, kind }));
  }
  const picks = [...firstOf.values()].slice(0, 10).map((idx) => idx[0]);
  const overview = columns.map((_, c) => picks.map((i) => image(c, i)));
  out.push(await writeGrid(req.outDir, 'overview.png', overview, size, channels, { label: -1, kind: `overview:${kind}` }));
  return out;
}
