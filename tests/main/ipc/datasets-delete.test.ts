/**
 * `datasets.delete` refuses while something still reads the dataset: runs trained on it, and
 * running or queued attacks that use it as the attacker's public faces (`--public D`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempBackend } from '../../helpers/temp.ts';

describe('datasets.delete', () => {
  const b = tempBackend();
  let publicId = '';

  beforeAll(async () => {
    for (const name of ['target', 'public']) {
      const r = await b.router.invoke('datasets.synth', { name, identities: 3, perIdentity: 2, size: 32 });
      if (!r.ok) throw new Error(r.error.message);
    }
    publicId = b.store.datasets.resolve('public').id;
    // the rows a running attack on a run of `target` with `--public public` keeps in the store
    b.store.runs.create({ id: 'run_t', name: 'on-target', datasetId: b.store.datasets.resolve('target').id, defense: 'none', seed: 1, config: {} });
    b.store.runs.finish('run_t', 'done', null);
    b.store.attacks.create({ id: 'atk_pub', runId: 'run_t', kind: 'reconstruction', judge: 'pretrained', seed: 1, config: { run: 'run_t', kind: 'reconstruction', public: 'public' } });
  });

  it('refuses while a running attack uses the dataset as its public faces, says what to do, and keeps its files (regression)', async () => {
    const r = await b.router.invoke('datasets.delete', { dataset: publicId });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(r.ok ? '' : r.error.message).toMatch(/atk_pub is running and uses this dataset as its public faces\. Wait for it to finish or cancel it/);
    expect(b.store.datasets.resolve(publicId).id).toBe(publicId);
    expect(existsSync(join(b.dataDir, 'datasets', publicId))).toBe(true);
  });

  it('deletes the dataset once that attack has ended', async () => {
    b.store.attacks.finish('atk_pub', { status: 'done', seconds: 1 });
    expect(await b.router.invoke('datasets.delete', { dataset: 'public' })).toEqual({ ok: true, value: { deleted: publicId } });
    expect(existsSync(join(b.dataDir, 'datasets', publicId))).toBe(false);
  });
});
