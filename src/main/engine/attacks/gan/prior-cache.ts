/**
 * The GAN prior cache: one prior per public source, image geometry and training config, in a
 * folder named by their hash, reused by every attack on every target. A finished prior is loaded;
 * an unfinished one (cancelled or interrupted attack) resumes from its last save; the folder also
 * holds the training curves (prior.json) and a sample grid (samples.png), like a run's.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../data/fs/atomic.ts';
import { gridPng, tileImages } from './grid.ts';
import { toGanImages } from './nets.ts';
import { loadPrior, savePrior, type PriorManifest } from './prior-file.ts';
import { createGanTraining, disposeGanTraining, sampleGan, trainGan, type GanTraining, type GanTrainConfig } from './train-gan.ts';

/** Where the public images come from: a stable name and a digest of exactly which images. */
export interface PriorSource {
  name: string;
  digest: string;
}

export function priorKey(source: PriorSource, config: GanTrainConfig): string {
  const h = createHash('sha256').update(JSON.stringify({ source, config })).digest('hex');
  return `${source.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${h.slice(0, 16)}`;
}

/** sha256 of public pixels: the same faces give the same prior. */
export function pixelDigest(pixels: Uint8Array | Float32Array): string {
  return createHash('sha256').update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength)).digest('hex');
}

export interface PriorHooks {
  shouldStop?: () => boolean;
  onProgress?: (step: number, steps: number) => void;
  /** save every this many steps (resume point); default 100 */
  saveEvery?: number;
}

export interface ObtainedPrior {
  training: GanTraining;
  config: GanTrainConfig;
  manifest: PriorManifest | null;
  dir: string;
  reused: boolean;
  seconds: number;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function writeSamples(dir: string, t: GanTraining, config: GanTrainConfig): Promise<void> {
  const px = tf.tidy(() => sampleGan(t.params, config.gan, 32, 9).add(1).mul(127.5));
  const grid = tileImages((await px.data()) as Float32Array, 32, 64, config.gan.channels, 8);
  px.dispose();
  await writeFileAtomic(join(dir, 'samples.png'), await gridPng(grid));
}

/**
 * The prior for `pixels` `[count, size, size, C]` (0..255) under `root`: loaded, resumed or
 * trained. Null when stopped (the progress so far is saved and resumes next time).
 */
export async function obtainPrior(root: string, source: PriorSource, pub: { pixels: Uint8Array | Float32Array; count: number; size: number; channels: 1 | 3 }, config: GanTrainConfig, hooks: PriorHooks = {}): Promise<ObtainedPrior | null> {
  const dir = join(root, priorKey(source, config));
  const started = performance.now();
  let training: GanTraining;
  if (await exists(join(dir, 'prior.json'))) {
    const loaded = await loadPrior(dir);
    training = loaded.training;
    if (loaded.manifest.finished) return { training, config, manifest: loaded.manifest, dir, reused: true, seconds: 0 };
  } else training = createGanTraining(config);
  const images = tf.tidy(() => toGanImages(tf.tensor4d(Float32Array.from(pub.pixels), [pub.count, pub.size, pub.size, pub.channels])));
  const every = hooks.saveEvery ?? 100;
  try {
    const finished = await trainGan(training, config, { images }, {
      shouldStop: hooks.shouldStop,
      every: Math.min(10, every),
      onProgress: async (p) => {
        hooks.onProgress?.(p.step, p.steps);
        if (p.step % every === 0 && p.step < p.steps) await savePrior(dir, training, config);
      },
    });
    await savePrior(dir, training, config);
    if (!finished) {
      disposeGanTraining(training);
      return null;
    }
    await writeSamples(dir, training, config);
    return { training, config, manifest: null, dir, reused: false, seconds: (performance.now() - started) / 1000 };
  } finally {
    images.dispose();
  }
}
