/**
 * Import benchmark: `node bench/import.ts [DIR] [--size 112] [--color]` imports a folder into a
 * throwaway data directory and prints images/s and peak resident memory.
 * Default DIR: ../shared/datasets/lfw_deepfunneled_158x10 (target: >= 300 images/s, < 500 MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openBackend } from '../src/main/ipc/backend.ts';

const { values, positionals } = parseArgs({ options: { size: { type: 'string', default: '112' }, color: { type: 'boolean', default: true }, gray: { type: 'boolean' } }, allowPositionals: true });
const dir = resolve(positionals[0] ?? new URL('../../shared/datasets/lfw_deepfunneled_158x10', import.meta.url).pathname);
const dataDir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
const backend = openBackend({ dataDir });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const t0 = performance.now();
const r = await backend.router.invoke('datasets.import', { dir, name: 'bench', size: Number(values.size), color: values.gray ? false : values.color });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
backend.close();
rmSync(dataDir, { recursive: true, force: true });
if (!r.ok) {
  console.error(r.error.message);
  process.exit(1);
}
const images = (r.value as { images: number }).images;
console.log(JSON.stringify({ dir, images, seconds: +seconds.toFixed(2), imagesPerSecond: +(images / seconds).toFixed(1), peakRssMB: Math.round(peakRss / 2 ** 20) }));
