/**
 * Data of the reconstruction ceiling benchmark (bench/recon-ceiling.ts): a plain frequency-masking
 * run's dataset (pixel cache, split), its front end with the key known, and the pretrained judge
 * with two galleries: the private training images (as the attack scores) and the public ones (what
 * the attack's choices are made on). Images are judged as the attack shows them: thumbnails
 * up-sampled bilinearly beside the exact kept channels, optionally amplified (`pixelsFromThumbnails`).
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import type { AttackRequest } from '../src/main/engine/attacks/types.ts';
import { coefficientsOf, knownKeyView, type AttackerView } from '../src/main/engine/attacks/reconstruction/frequency.ts';
import { blockMeans, pixelsFromThumbnails } from '../src/main/engine/attacks/reconstruction/thumbnail.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { cachedEmbeddings, embeddingCacheFile } from '../src/main/engine/judge/embedding-cache.ts';
import { JUDGE_DIM } from '../src/main/engine/judge/face-api-judge.ts';
import { loadAttackJudge, pickRows, type AttackJudge } from '../src/main/engine/judge/gallery.ts';
import { JUDGE_VERSION } from '../src/main/engine/judge/judge-version.ts';
import { scoreReconstructions, type Gallery } from '../src/main/engine/judge/score.ts';
import { loadCheckpoint } from '../src/main/engine/train/checkpoint.ts';
import { privateClasses } from '../src/main/jobs/train-data.ts';
import { openBackend } from '../src/main/ipc/backend.ts';

/** One set of faces: cache rows, labels 0..k-1, pixels `[n, S, S, C]`, exact kept channels `[n, B, B, K]` (ascending), true centred thumbnails `[n, B*B*planes]`, the judge's gallery. */
export interface FaceSet {
  name: 'private' | 'public';
  labels: number[];
  pixels: tf.Tensor4D;
  kept: tf.Tensor4D;
  thumbs: Float64Array;
  /** the set's mean plane mean (what the oracle rows add back to centred thumbnails) */
  mean: number[];
  gallery: Gallery;
}

export interface Ceiling {
  run: string;
  dataset: string;
  backend: string;
  view: AttackerView;
  judge: AttackJudge;
  priv: FaceSet;
  pub: FaceSet;
}

/** One judged variant: Acc@1, Acc@5 and the KNN distance over `n` images. */
export interface JudgeRow { acc1: number; acc5: number; knn: number; n: number }

type Store = ReturnType<typeof openBackend>['store'];

/** The run's attack request as the attack job builds it, as far as the judge needs it. */
function judgeRequest(store: Store, dataDir: string, runName: string): { req: AttackRequest; publicRows: { rows: number[]; labels: number[] }; dataset: string; checkpoint: string } {
  const run = store.runs.resolve(runName);
  if (run.defense !== 'ppfr-fd') throw new Error(`run "${run.name}" is ${run.defense}: the ceiling analysis needs a plain frequency-masking (ppfr-fd) run`);
  const ds = store.datasets.resolve(run.datasetId);
  const rows = store.datasets.images(ds.id);
  const { labels, classOf } = privateClasses(rows);
  const pub = rows.filter((r) => r.split === 'public');
  const pubIds = [...new Set(pub.map((r) => r.label))].sort((a, b) => a - b);
  const checkpoint = store.runs.checkpoint(run.id)?.path;
  if (!checkpoint || pub.length === 0) throw new Error(`run "${run.name}" has no checkpoint or its dataset no public identities`);
  const train = rows.filter((r) => r.split === 'train').map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  const dataset = { cacheFile: join(dataDir, ds.cacheFile), count: ds.images, size: ds.size, channels: ds.channels, embeddingsFile: embeddingCacheFile(dataDir, ds.id, ds.cacheHash, JUDGE_VERSION) };
  // `public` is a placeholder: loadAttackJudge reads only the dataset, private rows, judge, profile and seed
  const req: AttackRequest = { kind: 'reconstruction', attackId: 'bench-ceiling', seed: 1, profile: 'standard', backend: null, key: 'known', judge: 'pretrained', targets: null, defense: run.defense, checkpointDir: checkpoint, dataset, private: { train, heldout: [], classes: labels.length }, public: { kind: 'synthetic', seed: 1, identities: 0, perIdentity: 0, name: 'unused' }, outDir: '', options: {} };
  return { req, publicRows: { rows: pub.map((r) => r.cacheIndex), labels: pub.map((r) => pubIds.indexOf(r.label)) }, dataset: ds.name, checkpoint };
}

/** Pixels, exact kept channels and true thumbnails of cache rows. */
async function faceSet(name: FaceSet['name'], all: Uint8Array, rows: readonly number[], labels: number[], view: AttackerView, gallery: Gallery): Promise<FaceSet> {
  const { size, channels } = gallery;
  const pixels = tf.tensor4d(Float32Array.from(pickRows(all, rows, size * size * channels)), [rows.length, size, size, channels]);
  const kept = coefficientsOf(pixels, view.kept, view.planes); // = the leaked set with the key known (plain masking leaks raw coefficients)
  const bm = blockMeans(pixels);
  const thumbs = Float64Array.from((await bm.centred.data()) as Float32Array);
  const meanOf = tf.tidy(() => bm.mean.mean(0));
  const mean = Array.from((await meanOf.data()) as Float32Array);
  tf.dispose([bm.centred, bm.mean, meanOf]);
  return { name, labels, pixels, kept, thumbs, mean, gallery };
}

/** Loads everything the benchmark needs (the judge's descriptors of the dataset come from, or go to, its cache). */
export async function loadCeiling(dataDir: string, runName: string): Promise<Ceiling> {
  const backend = openBackend({ dataDir });
  const { req, publicRows, dataset, checkpoint } = judgeRequest(backend.store, dataDir, runName);
  backend.close();
  const engine = await selectBackend();
  const ck = await loadCheckpoint(checkpoint);
  if (!ck.manifest.frontEnd) throw new Error(`run "${runName}" has no fitted front end`);
  const view = knownKeyView(ck.manifest.frontEnd);
  const { size, channels, count } = req.dataset;
  const all = await readPixelCache(req.dataset.cacheFile, { count, size, channels });
  const judge = await loadAttackJudge(req, all, () => {});
  const { embeddings } = await cachedEmbeddings(req.dataset.embeddingsFile, judge.judge, { pixels: all, count, size, channels });
  const pubEmb = new Float32Array(publicRows.rows.length * JUDGE_DIM);
  publicRows.rows.forEach((r, i) => pubEmb.set(embeddings.subarray(r * JUDGE_DIM, (r + 1) * JUDGE_DIM), i * JUDGE_DIM));
  const pubGallery: Gallery = { ...judge.gallery, embeddings: pubEmb, labels: Int32Array.from(publicRows.labels), classes: new Set(publicRows.labels).size, pixels: pickRows(all, publicRows.rows, size * size * channels) };
  const priv = await faceSet('private', all, req.private.train.map((t) => t.row), req.private.train.map((t) => t.label), view, judge.gallery);
  const pub = await faceSet('public', all, publicRows.rows, publicRows.labels, view, pubGallery);
  return { run: runName, dataset, backend: engine, view, judge, priv, pub };
}

/**
 * The judge's scores of `set`'s images rebuilt from thumbnails `[n, B*B*planes]` (centred; `mean`
 * per plane added back) and the exact kept channels x `gain`, against `set`'s own gallery.
 */
export async function judgeThumbnails(c: Ceiling, set: FaceSet, thumbs: Float64Array, gain: number, mean: readonly number[] = set.mean): Promise<JudgeRow> {
  const px = pixelsFromThumbnails(set.kept, thumbs, mean, c.view, gain);
  const shown = (await px.data()) as Float32Array;
  const desc = await c.judge.judge.embed(px);
  px.dispose();
  const stride = px.shape[1] * px.shape[2] * px.shape[3];
  const candidates = set.labels.map((label, i) => ({ label, embedding: desc.subarray(i * JUDGE_DIM, (i + 1) * JUDGE_DIM), pixels: shown.subarray(i * stride, (i + 1) * stride), source: i }));
  const s = scoreReconstructions(set.gallery, candidates);
  return { acc1: s.acc1, acc5: s.acc5, knn: s.knnDist, n: candidates.length };
}

export function disposeCeiling(c: Ceiling): void {
  tf.dispose([c.priv.pixels, c.priv.kept, c.pub.pixels, c.pub.kept]);
  c.judge.judge.dispose();
}
