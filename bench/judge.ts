/**
 * Judge benchmark: `node bench/judge.ts [DIR] [--size 112] [--gray]` imports a face folder into a
 * throwaway data directory, embeds every image with the pretrained judge (one thread, the engine's
 * backend) and prints images/s, peak resident memory, and the judge's nearest-neighbour
 * identification (first half of each identity's images as gallery, the rest as probes).
 * Default DIR: ../shared/datasets/orl_faces (target: all 400 images in under 1 minute, < 2 GB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { embedAll } from '../src/main/engine/judge/embedding-cache.ts';
import { JUDGE_DIM, loadPretrainedJudge } from '../src/main/engine/judge/face-api-judge.ts';
import { openBackend } from '../src/main/ipc/backend.ts';

const { values, positionals } = parseArgs({ options: { size: { type: 'string', default: '112' }, gray: { type: 'boolean', default: false } }, allowPositionals: true });
const dir = resolve(positionals[0] ?? new URL('../../shared/datasets/orl_faces', import.meta.url).pathname);
const dataDir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
const backend = openBackend({ dataDir });
const r = await backend.router.invoke('datasets.import', { dir, name: 'bench', size: Number(values.size), color: !values.gray && !dir.includes('orl') });
if (!r.ok) throw new Error(r.error.message);
const ds = backend.store.datasets.resolve('bench');
const rows = backend.store.datasets.images(ds.id);
const pixels = await readPixelCache(join(dataDir, ds.cacheFile), { count: ds.images, size: ds.size, channels: ds.channels });
const engine = await selectBackend();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const t0 = performance.now();
const judge = await loadPretrainedJudge();
const emb = await embedAll(judge, { pixels, count: ds.images, size: ds.size, channels: ds.channels });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);

// Nearest neighbour: per identity, the first half of its images (cache order) are the gallery.
const byLabel = new Map<number, number[]>();
for (const row of rows) byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), row.cacheIndex]);
const gallery: number[] = [];
const probes: number[] = [];
for (const idx of byLabel.values()) idx.forEach((i, k) => (k < Math.ceil(idx.length / 2) ? gallery : probes).push(i));
const labelOf = new Map(rows.map((row) => [row.cacheIndex, row.label]));
const dist = (a: number, b: number): number => Math.hypot(...Array.from({ length: JUDGE_DIM }, (_, k) => emb[a * JUDGE_DIM + k] - emb[b * JUDGE_DIM + k]));
const right = probes.filter((p) => labelOf.get(gallery.reduce((best, g) => (dist(p, g) < dist(p, best) ? g : best), gallery[0])) === labelOf.get(p)).length;
judge.dispose();
backend.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ dir, backend: engine, images: ds.images, identities: byLabel.size, seconds: +seconds.toFixed(2), imagesPerSecond: +(ds.images / seconds).toFixed(1), peakRssMB: Math.round(peakRss / 2 ** 20), nearestNeighbourIdentification: +(right / probes.length).toFixed(3) }));
