/**
 * Reconstruction decoder, domain check: `node bench/recon-domain.ts --data-dir DIR --run R --public D
 * [--samples 6000] [--hold 3] [--repeat 10] [--variants public,own,mix]` trains the decoder through run R's front end (key
 * known) and scores it on the last `hold` PUBLIC identities of the target dataset (never its
 * private ones; they carry the target's scanner statistics): squared error of the removed channels
 * (standardised as in training) and PSNR. Variants: public dataset D alone with noise matching
 * (the attack before); the target's other public faces alone; D plus them repeated `repeat`
 * times; baseline: the mean face of those other public faces. Chooses the attacker's training data on public faces only.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { publicFaces } from '../src/main/engine/attacks/public-data.ts';
import { decoderForward } from '../src/main/engine/attacks/reconstruction/decoder.ts';
import { pixelsOf, type TrainedDecoder } from '../src/main/engine/attacks/reconstruction/decoder-io.ts';
import { coefficientsOf, knownKeyView, type AttackerView } from '../src/main/engine/attacks/reconstruction/frequency.ts';
import { DECODER_PROFILES, disposeDecoder, trainDecoder } from '../src/main/engine/attacks/reconstruction/train-decoder.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { loadCheckpoint } from '../src/main/engine/train/checkpoint.ts';
import { openBackend } from '../src/main/ipc/backend.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, run: { type: 'string' }, public: { type: 'string' }, samples: { type: 'string', default: '6000' }, seed: { type: 'string', default: '1' }, hold: { type: 'string', default: '3' }, repeat: { type: 'string', default: '10' }, variants: { type: 'string', default: 'public,own,mix' } } });
if (!values['data-dir'] || !values.run || !values.public) throw new Error('usage: node bench/recon-domain.ts --data-dir DIR --run R --public D [--samples N]');
const dataDir = values['data-dir'];
const backend = openBackend({ dataDir });
const run = backend.store.runs.resolve(values.run);
const target = backend.store.datasets.resolve(run.datasetId);
const pub = backend.store.datasets.resolve(values.public);
const ck = await loadCheckpoint(backend.store.runs.checkpoint(run.id)!.path);
backend.close();
await selectBackend('wasm');
const view = knownKeyView(ck.manifest.frontEnd!);

async function rowsOf(ds: typeof target, split?: string): Promise<{ pixels: Uint8Array; rows: number[]; labels: number[] }> {
  const b = openBackend({ dataDir });
  const images = b.store.datasets.images(ds.id).filter((r) => !split || r.split === split);
  b.close();
  const pixels = await readPixelCache(join(dataDir, ds.cacheFile), { count: ds.images, size: ds.size, channels: ds.channels });
  return { pixels, rows: images.map((r) => r.cacheIndex), labels: images.map((r) => r.label) };
}

const stackRows = (src: { pixels: Uint8Array; rows: number[] }, size: number): tf.Tensor4D => {
  const stride = size * size;
  const out = new Float32Array(src.rows.length * stride);
  src.rows.forEach((r, i) => out.set(src.pixels.subarray(r * stride, (r + 1) * stride), i * stride));
  return tf.tensor4d(out, [src.rows.length, size, size, 1]);
};

const S = target.size;
const lfw = await rowsOf(pub);
const faces = publicFaces({ kind: 'rows', pixels: lfw.pixels, size: pub.size, channels: pub.channels, rows: lfw.rows, labels: lfw.labels }, S, 1);
// The target's own public identities: the last `hold` identities validate, the others may train.
const own = await rowsOf(target, 'public');
const ids = [...new Set(own.labels)].sort((a, b) => a - b);
const heldIds = new Set(ids.slice(ids.length - Number(values.hold)));
const part = (held: boolean) => ({ pixels: own.pixels, rows: own.rows.filter((_, i) => heldIds.has(own.labels[i]) === held), labels: own.labels.filter((l) => heldIds.has(l) === held) });
const validation = stackRows(part(true), S);
const ownTrain = part(false);
const leaked = stackRows(await rowsOf(target, 'train'), S);
const leakedStd = tf.tidy(() => tf.moments(coefficientsOf(leaked, view.kept, 1), [0, 1, 2]).variance.sqrt() as tf.Tensor1D);
leaked.dispose();

/** The public dataset's faces (unless `withPublic` is false) plus the target's training public faces repeated `times` (labels offset). */
function mixed(times: number, withPublic = true): typeof faces {
  const stride = S * S;
  const base = withPublic ? faces.count : 0;
  const n = base + times * ownTrain.rows.length;
  const pixels = new Uint8Array(n * stride);
  if (withPublic) pixels.set(faces.pixels);
  const labels = withPublic ? [...faces.labels] : [];
  let at = base;
  for (let t = 0; t < times; t++)
    ownTrain.rows.forEach((r, i) => {
      pixels.set(own.pixels.subarray(r * stride, (r + 1) * stride), at++ * stride);
      labels.push(1e6 + ownTrain.labels[i]);
    });
  return { pixels, count: n, size: S, channels: 1, labels };
}

/** Standardised squared error of the removed channels and PSNR on the validation faces. */
function score(d: TrainedDecoder): { loss: number; psnr: number } {
  return tf.tidy(() => {
    const kept = coefficientsOf(validation, view.kept, 1);
    const predicted = decoderForward(d.params, kept.div(d.inStd) as tf.Tensor4D);
    return measure(d, kept, predicted);
  });
}

function measure(d: TrainedDecoder, kept: tf.Tensor4D, predicted: tf.Tensor4D): { loss: number; psnr: number } {
  const loss = predicted.sub(coefficientsOf(validation, view.removed, 1).div(d.outStd)).square().mean().dataSync()[0];
  const px = pixelsOf(d, kept, predicted).clipByValue(0, 255);
  const psnr = tf.scalar(255 * 255).div(px.sub(validation).square().mean([1, 2, 3])).log().mul(10 / Math.LN10).mean().dataSync()[0];
  return { loss, psnr };
}

/** Baseline: every removed channel predicted as its mean over the target's training public faces (their mean face). */
function meanFace(d: TrainedDecoder): { loss: number; psnr: number } {
  return tf.tidy(() => {
    const m = coefficientsOf(stackRows(ownTrain, S), view.removed, 1).mean(0, true).div(d.outStd);
    const kept = coefficientsOf(validation, view.kept, 1);
    return measure(d, kept, tf.tile(m, [validation.shape[0], 1, 1, 1]) as tf.Tensor4D);
  });
}

const cfg = { ...DECODER_PROFILES.standard, samples: Number(values.samples), identity: null, holdBack: 0 };
const hooks = { onStep: () => {}, shouldStop: () => false };
const seed = Number(values.seed);
const t0 = performance.now();
const rows: { variant: string; loss: number; psnr: number }[] = [];
const wanted = new Set(values.variants!.split(','));
const variant = async (name: string, label: string, data: typeof faces, noise: Float32Array | null, baseline = false): Promise<void> => {
  if (!wanted.has(name)) return;
  const d = (await trainDecoder(data, view, cfg, seed, hooks, null, noise))!;
  rows.push({ variant: label, ...score(d) });
  if (baseline) rows.push({ variant: `baseline: the mean face of ${target.name}'s other public faces`, ...meanFace(d) });
  disposeDecoder(d);
};
await variant('public', `${pub.name} only, noise matching (the attack before)`, faces, (await leakedStd.data()) as Float32Array, true);
await variant('own', `${target.name}'s other public faces alone (${ownTrain.rows.length}), no adaptation`, mixed(1, false), null, !wanted.has('public'));
await variant('mix', `${pub.name} + ${target.name}'s other public faces x${values.repeat}, no adaptation`, mixed(Number(values.repeat)), null);
console.log(JSON.stringify({ run: run.name, public: pub.name, validation: `${target.name}: ${validation.shape[0]} faces of ${heldIds.size} public identities`, samples: cfg.samples, seconds: +((performance.now() - t0) / 1000).toFixed(0), rows }, null, 2));
