import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackResult, CompareResponse } from '../../../src/shared/domain/attack.ts';
import type { TrainResult } from '../../../src/shared/domain/run.ts';
import { startAttack } from '../../../src/main/jobs/attack-job.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('attack jobs', () => {
  const b = tempBackend();
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };
  let fd: TrainResult;
  let plain: TrainResult;

  beforeAll(async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 6, perIdentity: 5, size: 32 });
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'ppfr-fd', profile: 'quick', epochs: 1, name: 'fd', backbone: 'scratch' });
    const n = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'none', profile: 'quick', epochs: 1, name: 'plain', backbone: 'scratch' });
    if (!r.ok || !n.ok) throw new Error('training failed');
    fd = r.value as TrainResult;
    plain = n.value as TrainResult;
  });

  it('marks an attack interrupted when its worker dies, resumes it to the end, and records metrics, judge and samples', async () => {
    const crashing = { ...deps, workerUrl: new URL('../../fixtures/crashing-attack-worker.ts', import.meta.url) };
    const request = { run: fd.runId, kind: 'reconstruction' as const, key: 'known' as const, judge: 'pretrained' as const, profile: 'quick' as const, seed: 1 };
    await expect(b.jobs.run('attack', 'crash', (job) => startAttack(crashing, request, job))).rejects.toThrow(/interrupted: restart it/);
    const [interrupted] = b.store.attacks.list(fd.runId);
    expect(interrupted.status).toBe('interrupted');

    const r = await b.router.invoke('attacks.resume', { attack: interrupted.id });
    if (!r.ok) throw new Error(r.error.message);
    const a = r.value as AttackResult;
    expect(a).toMatchObject({ attackId: interrupted.id, runId: fd.runId, kind: 'reconstruction', judge: 'pretrained', status: 'done' });
    for (const v of [a.acc1, a.acc5, a.ssim, a.masked!.acc1, a.masked!.ssim]) expect(v).toBeGreaterThanOrEqual(0);
    expect(a.acc5).toBeGreaterThanOrEqual(a.acc1);
    expect(a.chance).toBeCloseTo(1 / b.store.datasets.resolve('faces').splits.private, 9);
    const detail = b.store.attacks.detail(a.attackId);
    expect(b.jobs.list().filter((j) => j.kind === 'attack').map((j) => j.subject)).toContain(interrupted.id);
    expect(detail.judgeInfo?.version).toMatch(/face-api/);
    expect(detail.samples.length).toBeGreaterThan(1);
    for (const s of detail.samples) expect(createHash('sha256').update(readFileSync(s.path)).digest('hex')).toBe(s.hash);
  });

  it('shows the undefended run beside the defended one, with S1, S2 and a partial Score_pp', async () => {
    const n = await b.router.invoke('attacks.start', { run: plain.runId, kind: 'reconstruction', profile: 'quick' });
    if (!n.ok) throw new Error(n.error.message);
    expect((n.value as AttackResult).note).toMatch(/identity map/);
    const c = await b.router.invoke('compare.dataset', { dataset: 'faces' });
    if (!c.ok) throw new Error(c.error.message);
    const cmp = c.value as CompareResponse;
    expect(cmp.reference).toEqual({ runId: plain.runId });
    const [none, def] = cmp.rows;
    expect(none).toMatchObject({ defense: 'none', s1: 0, scorePpPartial: true, s3: null, s4: null });
    expect(def.defense).toBe('ppfr-fd');
    expect(def.s1).toBeCloseTo(1 - b.store.attacks.doneWithConfig(fd.runId, 'reconstruction')[0]!.summary.metrics!.masked!.ssim, 9);
    expect(def.scorePp).toBeCloseTo((def.s1! + def.s2!) / 2, 9);
    expect(def.attacks.reconstruction?.acc1).toBeTypeOf('number');
  });
});
