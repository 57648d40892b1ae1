/**
 * Pretrained-backbone benchmark (issue #15): `node bench/backbone-nn.ts [DIR] [--size 112]
 * [--gray] [--crops 1,0.8,0.7,0.6] [--backbone mobileface]` decodes a folder of identities the
 * way `datasets import` does, embeds every image with the frozen backbone (no training) for each
 * centre crop, and prints nearest-neighbour identification (first half of each identity's images
 * as gallery, the rest as probes, cosine) and images/s. Default DIR: the LFW subset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeFace } from '../src/main/data/ingest/decode.ts';
import { selectBackend, tf } from '../src/main/engine/backend/select-backend.ts';
import { cropForBackbone } from '../src/main/engine/backbone/adapter.ts';
import { graphNetForward, graphNetParams } from '../src/main/engine/backbone/graph-net.ts';
import { BACKBONES, loadBackbone, resolveBackboneName } from '../src/main/engine/backbone/registry.ts';
import { Params } from '../src/main/engine/models/params.ts';

const { values, positionals } = parseArgs({
  options: { size: { type: 'string', default: '112' }, gray: { type: 'boolean', default: false }, crops: { type: 'string', default: '1,0.8,0.7,0.6,0.5' }, backbone: { type: 'string', default: 'pretrained' } },
  allowPositionals: true,
});
const dir = resolve(positionals[0] ?? new URL('../../shared/datasets/lfw_deepfunneled_158x10', import.meta.url).pathname);
const size = Number(values.size);
const channels = values.gray ? 1 : 3;
const name = resolveBackboneName(values.backbone!);
const info = BACKBONES[name];

const people = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
const images: { pixels: Uint8Array; label: number; probe: boolean }[] = [];
for (const [label, person] of people.entries()) {
  const files = readdirSync(join(dir, person)).sort();
  for (const [i, f] of files.entries()) {
    const face = await decodeFace(readFileSync(join(dir, person, f)), size, channels);
    images.push({ pixels: face.pixels, label, probe: i >= Math.ceil(files.length / 2) });
  }
}
const backend = await selectBackend();
const net = loadBackbone(name);
const params = new Params(1);
graphNetParams(params, net, () => false);
const stride = size * size * channels;

function embedAll(crop: number): Float32Array {
  const out = new Float32Array(images.length * info.embedding);
  for (let i = 0; i < images.length; i += 64) {
    const chunk = images.slice(i, i + 64);
    const buf = new Float32Array(chunk.length * stride);
    chunk.forEach((im, j) => buf.set(im.pixels, j * stride));
    const e = tf.tidy(() => {
      const x = cropForBackbone(tf.tensor4d(buf, [chunk.length, size, size, channels]), crop, info.inputSize);
      const emb = graphNetForward({ params, training: false }, net, x);
      return emb.div(emb.norm('euclidean', 1, true));
    });
    out.set(e.dataSync(), i * info.embedding);
    e.dispose();
  }
  return out;
}

function nearestNeighbour(emb: Float32Array): number {
  const d = info.embedding;
  const gallery = images.map((im, i) => ({ ...im, i })).filter((im) => !im.probe);
  const probes = images.map((im, i) => ({ ...im, i })).filter((im) => im.probe);
  let right = 0;
  for (const p of probes) {
    let best = -2;
    let label = -1;
    for (const g of gallery) {
      let s = 0;
      for (let k = 0; k < d; k++) s += emb[p.i * d + k] * emb[g.i * d + k];
      if (s > best) [best, label] = [s, g.label];
    }
    if (label === p.label) right++;
  }
  return right / probes.length;
}

for (const crop of values.crops!.split(',').map(Number)) {
  const t0 = performance.now();
  const emb = embedAll(crop);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ dir, backbone: name, backend, size, channels, crop, identities: people.length, images: images.length, nearestNeighbour: +nearestNeighbour(emb).toFixed(3), imagesPerSecond: +(images.length / seconds).toFixed(1) }));
}
params.dispose();
