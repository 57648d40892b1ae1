/**
 * The masked-data reconstruction attack (DESIGN.md 6): the attacker holds a run's leaked masked
 * (and mixed) training set, exactly what `veil export` writes (leak.ts replays it), and public
 * faces. It trains the decoder on public faces through its view of the defence (key known, or
 * estimated from channel statistics), rebuilds the leaked samples (plain masking: through the
 * low-resolution stage fitted on the dataset's own public faces, thumbnail.ts), and the judge scores them
 * against their (largest-weight) source images, beside the visualised samples' own scores.
 * Undefended runs leak the faces themselves: the reconstruction is the identity map (said so).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { readPixelCache } from '../../../data/cache/pixel-cache.ts';
import type { AttackMetrics, JudgeScores } from '../../../../shared/domain/attack.ts';
import { loadAttackJudge, pickRows, type AttackJudge } from '../../judge/gallery.ts';
import { scoreReconstructions, type Candidate, type ReconstructionScore } from '../../judge/score.ts';
import { AppError } from '../../../../shared/contract/errors.ts';
import { defenceFromCheckpoint, type DefenceModel } from '../../defence/apply.ts';
import { DEFENCE_PART } from '../../defence/checkpoint-part.ts';
import { loadCheckpoint } from '../../train/checkpoint.ts';
import { publicFaces, type PublicFaces } from '../public-data.ts';
import { writeGrid } from '../sample-grid.ts';
import type { AttackHooks, AttackOutput, AttackRequest, AttackSampleFile } from '../types.ts';
import { coefficientsOf, knownKeyView, reorderLeaked, type AttackerView } from './frequency.ts';
import { THUMBNAIL, thumbnailStage, type ThumbnailRecord } from './thumbnail.ts';
import { attackerInputs, leakedSet, pixelView } from './leak.ts';
import { channelsRecovered, estimateView } from './key-estimate.ts';
import { decoderConfig, disposeDecoder, reconstruct, trainDecoder, type PublicDefence, type TrainedDecoder } from './train-decoder.ts';

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

/** The judge's scores of `images`; `shown` (default: the images) is what the judge embeds, `images` what PSNR/SSIM measure. */
async function scoreImages(j: AttackJudge, images: Float32Array, labels: readonly number[], sources: readonly number[], shown = images): Promise<ReconstructionScore> {
  const { size, channels } = j.gallery;
  const stride = size * size * channels;
  const emb = await mapChunks(shown, labels.length, [size, size, channels], (x) => x);
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

async function defenceOf(req: AttackRequest): Promise<DefenceModel | null> {
  if (req.defense === 'none' || !req.checkpointDir) return null;
  const ck = await loadCheckpoint(req.checkpointDir);
  const { config, frontEnd } = ck.manifest;
  if (config.defense === 'dp-sgd') {
    throw new AppError('UNSUPPORTED', 'A dp-sgd run protects its model, not its data: it has no masked training set to leak. Attack its model instead (--kind whitebox or blackbox).');
  }
  if (!frontEnd && !config.defence?.mixing) return null;
  const part = ck.parts.get(DEFENCE_PART);
  return defenceFromCheckpoint({ config, frontEnd, defence: part?.values, tensors: part?.tensors ?? new Map() });
}

/** The attacker's copy of the defence for public faces (null: plain masking, the decoder masks them itself). */
function publicDefence(model: DefenceModel, view: AttackerView, key: AttackRequest['key']): PublicDefence | null {
  if (!model.config.defence?.mixing) return null;
  if (!model.frontEnd || key === 'known') return { model, reorder: model.frontEnd !== null };
  return { model: { ...model, frontEnd: { ...model.frontEnd, kept: view.kept, permutation: view.kept.map((_, i) => i) } }, reorder: false };
}

export async function runReconstructionAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  const { size, channels, count } = req.dataset;
  const stride = size * size * channels;
  const pixels = await readPixelCache(req.dataset.cacheFile, { count, size, channels });
  const model = await defenceOf(req);
  const j = await loadAttackJudge(req, pixels, (d, t) => hooks.progress(req.judge === 'trained' ? 'training the judge' : 'judge: embedding the dataset', d, t), hooks.shouldStop);
  try {
    const targets = req.targets ?? req.private.classes;
    const chance = 1 / req.private.classes;
    const train = req.private.train;
    if (!model) {
      const picked = train.map((t, index) => ({ ...t, index })).filter((t) => t.label < targets);
      const originals = pickRows(pixels, picked.map((t) => t.row), stride);
      const own = await scoreImages(j, Float32Array.from(originals), picked.map((t) => t.label), picked.map((t) => t.index));
      const samples = await writeSamples(req, [originals], picked.map((t) => t.label));
      const note = 'Undefended run: the leaked training set is the faces themselves, so the reconstruction is the identity map; the scores are the judge on the raw training images.';
      return { status: 'done', judge: j.info, samples, metrics: metrics(own, scores(own), chance, { note, publicFaces: 0, details: { identityMap: true } }) };
    }
    const batch = (rows: readonly number[]): tf.Tensor4D => tf.tensor4d(Float32Array.from(pickRows(pixels, rows, stride)), [rows.length, size, size, channels]);
    const leak = await leakedSet(model, batch, train.map((t) => t.row), train.map((t) => t.label));
    const keep = leak.source.map((src, i) => ({ i, src })).filter((x) => train[x.src].label < targets);
    const labels = keep.map((x) => train[x.src].label);
    const sources = keep.map((x) => x.src);
    const sampleStride = leak.sampleShape[0] * leak.sampleShape[1] * leak.sampleShape[2];
    const leakedSamples = pickRows32(leak.samples, keep.map((x) => x.i), sampleStride);
    const visual = pickRows32(leak.images, keep.map((x) => x.i), stride);
    const originals = pickRows(pixels, sources.map((s) => train[s].row), stride);
    hooks.progress('scoring the masked samples', 0, 1);
    const masked = scores(await scoreImages(j, visual, labels, sources));
    const faces = await loadPublicFaces(req);
    const truth = model.frontEnd ? knownKeyView(model.frontEnd) : pixelView(channels);
    const own = ownPublic(req);
    // [ours] the key is estimated on the dataset's own public faces where there are enough (same camera, same statistics), else on the attack's public faces
    const keyFaces = own.rows.length >= THUMBNAIL.minFaces ? { pixels: pickRows(pixels, own.rows, stride), count: own.rows.length, size, channels, labels: own.labels } : faces;
    const view = req.key === 'unknown' && model.frontEnd ? estimateWithPublic(leakedSamples, labels.length, leak.sampleShape, keyFaces, model.frontEnd.planes) : truth;
    const cfg = decoderConfig(req.profile, req.options.decoderLoss === 'identity' ? 'identity' : 'squared');
    const pub = leak.form === 'pixels' ? { model, reorder: false } : publicDefence(model, view, req.key);
    const leakedStd = !pub && leak.form === 'frequency' ? await channelStdOf(leakedSamples, labels.length, leak.sampleShape, view) : null;
    const decoder = await trainDecoder(faces, view, cfg, req.seed, { onStep: (d, t) => hooks.progress('training the decoder', d, t), shouldStop: hooks.shouldStop }, pub, leakedStd);
    if (!decoder) return { status: 'cancelled', judge: j.info, samples: [], metrics: null };
    const inputs = (m: tf.Tensor4D, k: number): tf.Tensor4D => attackerInputs(m, tf.tensor4d(visual.subarray(k * stride, (k + m.shape[0]) * stride), [m.shape[0], size, size, channels]), leak.form, view, true);
    const decoded = await mapChunksIndexed(leakedSamples, labels.length, leak.sampleShape, (m, k) => reconstruct(decoder, inputs(m, k)));
    const staged = !pub && leak.form === 'frequency' && req.options.lowRes !== false && own.rows.length >= THUMBNAIL.minFaces;
    if (staged) hooks.progress('the low-resolution stage', 0, 1);
    const low = staged ? await lowResolution({ pixels, size, channels, own, decoder, view, leaked: { samples: leakedSamples, shape: leak.sampleShape, decoded, labels } }) : null;
    const recon = low?.pixels ?? decoded;
    const details = { decoder: { ...cfg, epochs: decoder.epochs, noiseMatched: leakedStd !== null, finalLoss: decoder.finalLoss, heldBack: decoder.heldBack, identity: decoder.identity, inputChannels: view.kept.length, predicted: decoder.predictKept ? 'all channels of the largest-weight source' : 'removed channels' }, lowResolution: low?.record ?? null, form: leak.form, public: req.public.name, leakedSamples: labels.length };
    disposeDecoder(decoder);
    hooks.progress('scoring the reconstructions', 0, 1);
    const rec = await scoreImages(j, recon, labels, sources, low?.judgePixels);
    const samples = await writeSamples(req, [originals, visual, recon], labels);
    const unknown = req.key === 'unknown' && model.frontEnd !== null;
    return { status: 'done', judge: j.info, samples, metrics: metrics(rec, masked, chance, { note: null, publicFaces: faces.count, details, keyChannelsRecovered: unknown ? channelsRecovered(view, truth) : null, keyChannels: unknown ? view.kept.length : null }) };
  } finally {
    j.judge.dispose();
    model?.policy?.dispose();
  }
}

/** The target dataset's own public faces (rows of its pixel cache, labels), whatever `--public` says: the low-resolution stage's in-domain data. */
function ownPublic(req: AttackRequest): { rows: number[]; labels: number[] } {
  return req.ownPublic ?? { rows: [], labels: [] };
}

interface LowResolutionInputs {
  pixels: Uint8Array;
  size: number;
  channels: 1 | 3;
  own: { rows: number[]; labels: number[] };
  decoder: TrainedDecoder;
  view: AttackerView;
  leaked: { samples: Float32Array; shape: [number, number, number]; decoded: Float32Array; labels: readonly number[] };
}

/** Runs thumbnail.ts on the leaked samples: the own public faces through the attacker's view and its decoder, then the ridge map. */
async function lowResolution(x: LowResolutionInputs): Promise<{ pixels: Float32Array; judgePixels: Float32Array; record: ThumbnailRecord }> {
  const { size, channels, view } = x;
  const n = x.leaked.labels.length;
  const publicPixels = tf.tensor4d(Float32Array.from(pickRows(x.pixels, x.own.rows, size * size * channels)), [x.own.rows.length, size, size, channels]);
  const publicKept = coefficientsOf(publicPixels, view.kept, view.planes);
  const publicDecoded = reconstruct(x.decoder, publicKept);
  const leakedKept = tf.tidy(() => reorderLeaked(tf.tensor4d(x.leaked.samples, [n, ...x.leaked.shape]), view.position));
  const leakedDecoded = tf.tensor4d(x.leaked.decoded, [n, size, size, channels]);
  try {
    const { pixels, judgePixels, record } = await thumbnailStage({ publicPixels, publicKept, publicDecoded, publicLabels: x.own.labels, leakedKept, leakedDecoded, leakedLabels: x.leaked.labels }, view);
    const [out, shown] = [(await pixels.data()) as Float32Array, (await judgePixels.data()) as Float32Array];
    tf.dispose([pixels, judgePixels]);
    return { pixels: out, judgePixels: shown, record };
  } finally {
    tf.dispose([publicPixels, publicKept, publicDecoded, leakedKept, leakedDecoded]);
  }
}

/** Per-channel std of the leaked samples' kept channels, in the attacker's order. */
async function channelStdOf(leaked: Float32Array, n: number, shape: [number, number, number], view: AttackerView): Promise<Float32Array> {
  const std = tf.tidy(() => tf.moments(reorderLeaked(tf.tensor4d(leaked, [n, ...shape]), view.position), [0, 1, 2]).variance.sqrt());
  const out = (await std.data()) as Float32Array;
  std.dispose();
  return out;
}

function pickRows32(all: Float32Array, idx: readonly number[], stride: number): Float32Array {
  const out = new Float32Array(idx.length * stride);
  idx.forEach((r, i) => out.set(all.subarray(r * stride, (r + 1) * stride), i * stride));
  return out;
}

/** `mapChunks` whose function also gets the chunk's first index. */
async function mapChunksIndexed(data: Float32Array, n: number, shape: [number, number, number], f: (x: tf.Tensor4D, first: number) => tf.Tensor4D): Promise<Float32Array> {
  let first = 0;
  return mapChunks(data, n, shape, (x) => {
    const y = f(x, first);
    first += x.shape[0];
    return y;
  });
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
