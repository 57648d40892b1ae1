import { describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { leakedSet } from '../../../../src/main/engine/attacks/reconstruction/leak.ts';
import { writeMaskedSet } from '../../../../src/main/engine/export/masked-export.ts';
import { decodeNpy } from '../../../../src/main/data/export/npy.ts';
import { fitFrontEnd } from '../../../../src/main/engine/masking/front-end.ts';
import { resolveConfig } from '../../../../src/main/engine/train/config.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../helpers/temp.ts';

describe('the leaked set', () => {
  it('is exactly what the export writes for a mixing defence, with each sample\'s largest-weight source', async () => {
    await selectBackend('wasm');
    const n = 70;
    const pixels = new Uint8Array(n * 1024);
    for (let i = 0; i < n; i++) pixels.set(renderFace(6, i % 7, i, { size: 32, channels: 1 }), i * 1024);
    const rows = Array.from({ length: n }, (_, i) => i);
    const labels = rows.map((i) => i % 7);
    const config = resolveConfig({ defense: 'freq-mixup', profile: 'quick', seed: 3, backend: 'wasm', input: { size: 32, channels: 1, classes: 7 } });
    const x = tf.tensor4d(Float32Array.from(pixels), [n, 32, 32, 1]);
    const model = { config, frontEnd: fitFrontEnd(x, config.frontEnd!), policy: null, confidence: 1 };
    x.dispose();
    const dir = tempDir();
    const data = { pixels, size: 32, channels: 1 as const, train: [], heldout: [], classes: 7 };
    const out = await writeMaskedSet(dir, 'tensor', data, rows.map((row) => ({ row, label: labels[row], identity: `id${labels[row]}` })), model, () => {});
    const exported = decodeNpy(readFileSync(join(dir, 'shard-00000.x.npy')));
    const leak = await leakedSet(model, (r) => tf.tensor4d(Float32Array.from(r.flatMap((i) => Array.from(pixels.subarray(i * 1024, (i + 1) * 1024)))), [r.length, 32, 32, 1]), rows, labels);
    expect(Array.from(leak.samples)).toEqual(Array.from(exported.data));
    out.samples.forEach((s, i) => {
      const r = s.recipe as { sources: number[]; lambdas: number[] };
      expect(r.lambdas[r.sources.indexOf(leak.source[i])]).toBe(Math.max(...r.lambdas));
    });
    expect(leak.source.some((s, i) => s !== i)).toBe(true);
  });
});
