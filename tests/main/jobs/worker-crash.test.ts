// A worker that crashes with an uncaught error leaves its run or attack interrupted and resumable (as a killed one does), not failed.
import { describe, expect, it } from 'vitest';
import { startAttack } from '../../../src/main/jobs/attack-job.ts';
import { startTraining } from '../../../src/main/jobs/train-job.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('a crashed engine worker', () => {
  const b = tempBackend();
  const throwing = { store: b.store, dataDir: b.dataDir, bus: b.bus, workerUrl: new URL('../../fixtures/throwing-worker.ts', import.meta.url) };

  it('leaves the run interrupted, with the crash in its error, and says how to resume', async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 4, perIdentity: 4, size: 32 });
    const request = { dataset: 'faces', defense: 'none' as const, profile: 'quick' as const, epochs: 1, seed: 1, accuracyBudget: 0.02, backbone: 'scratch', name: 'crashy' };
    await expect(b.jobs.run('train', 'crash', (job) => startTraining(throwing, request, job))).rejects.toThrow(/crashed: boom in the worker\)\. The run is marked interrupted: resume it/);
    expect(b.store.runs.detail('crashy')).toMatchObject({ status: 'interrupted', error: expect.stringContaining('boom in the worker') });
  });

  it('leaves a run that failed on the file system (a full disk) interrupted and resumable, and says to resume once it is fixed', async () => {
    const full = { ...throwing, workerUrl: new URL('../../fixtures/disk-full-worker.ts', import.meta.url) };
    const request = { dataset: 'faces', defense: 'none' as const, profile: 'quick' as const, epochs: 1, seed: 1, accuracyBudget: 0.02, backbone: 'scratch', name: 'full-disk' };
    await expect(b.jobs.run('train', 'full', (job) => startTraining(full, request, job))).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/ENOSPC.*The run is marked interrupted: once that is fixed, resume it/) });
    expect(b.store.runs.detail('full-disk')).toMatchObject({ status: 'interrupted', error: expect.stringContaining('ENOSPC') });
  });

  it('leaves the attack interrupted, with the crash in its error, and says how to resume', async () => {
    const run = b.store.runs.resolve('crashy');
    b.store.runs.finish(run.id, 'done', null);
    const request = { run: run.id, kind: 'reconstruction' as const, key: 'known' as const, judge: 'pretrained' as const, profile: 'quick' as const, seed: 1 };
    await expect(b.jobs.run('attack', 'crash', (job) => startAttack(throwing, request, job))).rejects.toThrow(/crashed: boom in the worker\)\. The attack is marked interrupted: restart it/);
    const [attack] = b.store.attacks.list(run.id);
    expect(attack.status).toBe('interrupted');
    expect(b.store.attacks.detail(attack.id).error).toContain('boom in the worker');
  });
});
