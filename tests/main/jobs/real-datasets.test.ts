import { describe, expect, it } from 'vitest';
import type { ImportDatasetResponse } from '../../../src/shared/contract/api.ts';
import { realDataAvailable, sharedDataset } from '../../helpers/shared-data.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe.runIf(realDataAvailable(['orl_faces', 'lfw_deepfunneled_158x10']))('importing the real datasets', () => {
  const backend = tempBackend();

  it('imports ORL (PGM, grey) as exactly 40 x 10 images with no skips', async () => {
    const r = await backend.router.invoke('datasets.import', { dir: sharedDataset('orl_faces'), name: 'orl', size: 112 });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as ImportDatasetResponse;
    expect([v.identities, v.images, v.channels, v.size]).toEqual([40, 400, 1, 112]);
    expect(v.skipped).toEqual([]);
    expect(v.duplicates).toBe(0);
    expect(v.splits).toMatchObject({ private: 30, public: 10 });
  });

  it('imports the LFW subset (JPEG, colour) as exactly 158 x 10 images with no skips', async () => {
    const r = await backend.router.invoke('datasets.import', { dir: sharedDataset('lfw_deepfunneled_158x10'), name: 'lfw', size: 112, color: true });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as ImportDatasetResponse;
    expect([v.identities, v.images, v.channels]).toEqual([158, 1580, 3]);
    expect(v.skipped).toEqual([]);
  });
});
