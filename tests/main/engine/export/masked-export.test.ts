/**
 * Masked exports checked sample by sample against the masking written out here in float64 (own
 * 8x8 DCT, kept channels, the key's permutation): every imagefolder PNG is the front end's inverse
 * of its source and unlike the original face; tensor shards crossing chunk and shard boundaries
 * hold every sample at its recorded place; and numpy reads the shards back (CI must have numpy).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../../../src/main/data/export/npy.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import type { DefenceModel } from '../../../../src/main/engine/defence/apply.ts';
import { writeMaskedSet, type ExportItem } from '../../../../src/main/engine/export/masked-export.ts';
import { fitFrontEnd, type FrontEndState } from '../../../../src/main/engine/masking/front-end.ts';
import { resolveConfig } from '../../../../src/main/engine/train/config.ts';
import { batchTensor } from '../../../../src/main/engine/train/data.ts';
import { tempDir } from '../../../helpers/temp.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';

const S = 32;
const data = synthTrainData(6, 5, S);
// 23 samples in shards of 10 and engine chunks of 4: shards 10, 10, 3; chunks cross no shard but split each.
const items: ExportItem[] = Array.from({ length: 23 }, (_, i) => ({ row: (i * 7) % 30, label: ((i * 7) % 30) % 6, identity: `id-${((i * 7) % 30) % 6}` }));
const layout = { shardSize: 10, chunk: 4 };

/** D[u][i] = a(u) cos((2i + 1) u pi / 16), orthonormal DCT-II, in float64. */
const D = Array.from({ length: 8 }, (_, u) => Array.from({ length: 8 }, (_, i) => (u === 0 ? Math.sqrt(1 / 8) : Math.sqrt(2 / 8)) * Math.cos(((2 * i + 1) * u * Math.PI) / 16)));

const pixel = (row: number, y: number, x: number) => data.pixels[row * S * S + y * S + x];

/** Masked coefficients `[S/8][S/8][kept]` of a grey cache row, in network-input (permuted) order. */
function expectedMasked(row: number, fe: FrontEndState): number[] {
  const order = fe.permutation.map((k) => fe.kept[k]);
  const out: number[] = [];
  for (let by = 0; by < S / 8; by++)
    for (let bx = 0; bx < S / 8; bx++)
      for (const ch of order) {
        const [u, v] = [Math.floor(ch / 8), ch % 8];
        let c = 0;
        for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) c += D[u][i] * D[v][j] * (pixel(row, by * 8 + i, bx * 8 + j) - 128);
        out.push(c);
      }
  return out;
}

/** The visualisation: kept channels only, inverse DCT, + 128, clipped and rounded to 0..255. */
function expectedPicture(row: number, fe: FrontEndState): number[] {
  const out = new Array<number>(S * S).fill(0);
  for (let by = 0; by < S / 8; by++)
    for (let bx = 0; bx < S / 8; bx++) {
      const coeff = new Map<number, number>();
      for (const ch of fe.kept) {
        const [u, v] = [Math.floor(ch / 8), ch % 8];
        let c = 0;
        for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) c += D[u][i] * D[v][j] * (pixel(row, by * 8 + i, bx * 8 + j) - 128);
        coeff.set(ch, c);
      }
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8; j++) {
          let p = 128;
          for (const [ch, c] of coeff) p += c * D[Math.floor(ch / 8)][i] * D[ch % 8][j];
          out[(by * 8 + i) * S + bx * 8 + j] = Math.round(Math.min(255, Math.max(0, p)));
        }
    }
  return out;
}

function numpyPresent(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}
const numpy = numpyPresent();
if (!numpy && !process.env.CI) console.warn('Skipping the numpy read-back: python3 with numpy not found (CI installs python3-numpy).');

describe('masked exports', () => {
  let fe: FrontEndState;
  let defence: DefenceModel;
  beforeAll(async () => {
    await selectBackend('wasm');
    const sample = batchTensor(data, data.train.map((t) => t.row));
    fe = fitFrontEnd(sample, { keepPerPlane: 36, keySeed: 11 });
    sample.dispose();
    const config = resolveConfig({ defense: 'ppfr-fd', profile: 'quick', seed: 11, backend: 'wasm', input: { size: S, channels: 1, classes: 6 } });
    defence = { config, frontEnd: fe, policy: null, confidence: 1 };
  });

  it('imagefolder: every PNG is the front end\'s inverse of its source, in its identity\'s folder, and unlike the face', async () => {
    const dir = tempDir();
    const out = await writeMaskedSet(dir, 'imagefolder', data, items, defence, () => {}, layout);
    expect(out.samples.map((s) => s.index)).toEqual(items.map((_, i) => i));
    let squared = 0;
    for (const [i, item] of items.entries()) {
      const sample = out.samples[i];
      expect(sample.file.startsWith(`${item.identity}/`)).toBe(true);
      const { data: png, info } = await sharp(join(dir, sample.file)).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([S, S]);
      const want = expectedPicture(item.row, fe);
      for (let p = 0; p < S * S; p++) {
        expect(Math.abs(png[p * info.channels] - want[p]), `sample ${i} pixel ${p}`).toBeLessThanOrEqual(1);
        squared += (png[p * info.channels] - pixel(item.row, Math.floor(p / S), p % S)) ** 2;
      }
    }
    const psnr = 10 * Math.log10(255 ** 2 / (squared / (items.length * S * S)));
    console.log(`imagefolder export vs the original faces: PSNR ${psnr.toFixed(1)} dB`);
    // An unmasked export would be the faces themselves (PSNR over 40 dB from PNG rounding alone).
    expect(psnr).toBeLessThan(20);
  });

  it('tensor: shards crossing chunk and shard boundaries hold every sample at its recorded place', async () => {
    const dir = tempDir();
    const out = await writeMaskedSet(dir, 'tensor', data, items, defence, () => {}, layout);
    expect(out.sampleShape).toEqual([S / 8, S / 8, 36]);
    const shards = [...new Set(out.samples.map((s) => s.file))];
    expect(shards).toEqual(['shard-00000.x.npy', 'shard-00001.x.npy', 'shard-00002.x.npy']);
    const per = (S / 8) * (S / 8) * 36;
    for (const [i, item] of items.entries()) {
      const s = out.samples[i];
      expect(s).toMatchObject({ index: i, label: item.label, file: `shard-${String(Math.floor(i / 10)).padStart(5, '0')}.x.npy`, offset: i % 10 });
      const x = decodeNpy(readFileSync(join(dir, s.file)));
      const y = decodeNpy(readFileSync(join(dir, s.file.replace('.x.', '.y.'))));
      expect(x.shape).toEqual([i < 20 ? 10 : 3, S / 8, S / 8, 36]);
      expect(y.data[s.offset!]).toBe(item.label);
      const got = x.data.subarray(s.offset! * per, (s.offset! + 1) * per);
      const want = expectedMasked(item.row, fe);
      for (let k = 0; k < per; k++) expect(Math.abs(got[k] - want[k]), `sample ${i} value ${k}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want[k])));
    }
  });

  it.skipIf(!numpy && !process.env.CI)('tensor: numpy.load reads every shard back as written', async () => {
    expect(numpy, 'python3 with numpy is required in CI (apt-get install python3-numpy)').toBe(true);
    const dir = tempDir();
    const out = await writeMaskedSet(dir, 'tensor', data, items, defence, () => {}, layout);
    const script = [
      'import json, sys, numpy as np',
      'out = {}',
      'for name in sys.argv[2:]:',
      '    a = np.load(sys.argv[1] + "/" + name)',
      '    out[name] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.reshape(-1).tolist()}',
      'print(json.dumps(out))',
    ].join('\n');
    const names = out.files.map((f) => f.path);
    const read = JSON.parse(execFileSync('python3', ['-c', script, dir, ...names], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    for (const name of names) {
      const mine = decodeNpy(readFileSync(join(dir, name)));
      expect(read[name].dtype).toBe(mine.dtype);
      expect(read[name].shape).toEqual(mine.shape);
      expect(read[name].values).toEqual(Array.from(mine.data));
    }
  });
});
