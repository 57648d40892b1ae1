// compare.runs marks runs whose frozen configs differ only in the seed with one seed group.
import { describe, expect, it } from 'vitest';
import type { CompareResponse } from '../../../src/shared/domain/attack.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('seed groups in compare', () => {
  const b = tempBackend();

  it('gives runs that differ only in the seed one group, and a run with another setting its own', async () => {
    const ds = (await b.router.invoke('datasets.synth', { name: 'tiny', identities: 2, perIdentity: 2, size: 32 })) as { ok: true; value: { id: string } };
    const config = (seed: number, epochs = 8) => ({ defense: 'ppfr-fd', seed, epochs, frontEnd: { keepPerPlane: 36, keySeed: seed } });
    for (const [id, seed, epochs] of [['run_s1', 1, 8], ['run_s2', 2, 8], ['run_e9', 3, 9]] as const) {
      b.store.runs.create({ id, name: id, datasetId: ds.value.id, defense: 'ppfr-fd', seed, config: config(seed, epochs) });
    }
    const r = (await b.router.invoke('compare.runs', { runs: ['run_s1', 'run_s2', 'run_e9'] })) as { ok: true; value: CompareResponse };
    const [s1, s2, e9] = r.value.rows.map((row) => row.seedGroup);
    expect(s1).toBe(s2);
    expect(e9).not.toBe(s1);
  });
});
