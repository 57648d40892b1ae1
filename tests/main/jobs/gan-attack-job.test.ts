import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTIL_LOSS } from '../../../src/main/engine/attacks/whitebox/distil.ts';
import type { AttackResult, CompareResponse } from '../../../src/shared/domain/attack.ts';
import type { TrainResult } from '../../../src/shared/domain/run.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('GAN attack jobs (quick profile)', () => {
  const b = tempBackend();
  let plain: TrainResult;

  beforeAll(async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 8, perIdentity: 5, size: 32 });
    const n = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'none', profile: 'quick', epochs: 1, name: 'plain', backbone: 'scratch' });
    if (!n.ok) throw new Error(n.error.message);
    plain = n.value as TrainResult;
  });

  async function attack(kind: 'whitebox' | 'blackbox', extra: Record<string, unknown> = {}): Promise<AttackResult> {
    const r = await b.router.invoke('attacks.start', { run: plain.runId, kind, profile: 'quick', ...extra });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as AttackResult;
  }

  it('runs white-box GMI end to end: judge scores, per-identity grids, and one cached prior reused by the next attack', async () => {
    const a = await attack('whitebox', { targets: 3 });
    const privateIds = b.store.datasets.resolve('faces').splits.private;
    expect(a).toMatchObject({ kind: 'whitebox', status: 'done', judge: 'pretrained' });
    expect(a.chance).toBeCloseTo(1 / privateIds, 9);
    for (const v of [a.acc1, a.acc5, a.ssim]) expect(v).toBeGreaterThanOrEqual(0);
    expect(a.acc5).toBeGreaterThanOrEqual(a.acc1);
    expect(a.queries).toBeUndefined();
    const detail = b.store.attacks.detail(a.attackId);
    expect(detail.samples.filter((s) => s.label >= 0)).toHaveLength(3);
    for (const s of detail.samples) expect(createHash('sha256').update(readFileSync(s.path)).digest('hex')).toBe(s.hash);
    const priors = readdirSync(join(b.dataDir, 'gan-priors'));
    expect(priors).toHaveLength(1);
    expect(existsSync(join(b.dataDir, 'gan-priors', priors[0], 'samples.png'))).toBe(true);
    expect((detail.metrics!.details as { prior: { reused: boolean } }).prior.reused).toBe(false);
    const again = await attack('whitebox', { targets: 2 });
    const d2 = b.store.attacks.detail(again.attackId);
    expect((d2.metrics!.details as { prior: { reused: boolean } }).prior.reused).toBe(true);
    expect(d2.metrics!.perIdentity.map((p) => p.label)).toEqual([0, 1]);
  }, 300_000);

  it('runs the black-box attack with counted queries beside its random-public baseline, and completes Score_pp', async () => {
    const a = await attack('blackbox', { targets: 3 });
    const ds = b.store.datasets.resolve('faces');
    const publicImages = b.store.datasets.images(ds.id).filter((r) => r.split === 'public').length;
    expect(a.queries).toBe(publicImages + 3 * 8); // every public face once, 8 candidates per target
    const details = b.store.attacks.detail(a.attackId).metrics!.details as { baseline: { acc1: number } };
    expect(details.baseline.acc1).toBeGreaterThanOrEqual(0);
    const rec = await b.router.invoke('attacks.start', { run: plain.runId, kind: 'reconstruction', profile: 'quick' });
    if (!rec.ok) throw new Error(rec.error.message);
    const c = await b.router.invoke('compare.dataset', { dataset: 'faces' });
    if (!c.ok) throw new Error(c.error.message);
    const [row] = (c.value as CompareResponse).rows;
    // compare takes the white-box attack on more targets (3, the first one), not the newer one on 2 (jobs/attack-choice.ts)
    const wb = b.store.attacks.list(plain.runId).filter((x) => x.kind === 'whitebox').at(-1)!;
    expect(row.attacks.whitebox).toMatchObject({ attackId: wb.id, targets: 3 });
    expect(row.s3).toBeCloseTo(1 - wb.metrics!.acc1, 9);
    expect(row.s4).toBeCloseTo(1 - a.acc1, 9);
    expect(row.scorePpPartial).toBe(false);
    expect(row.scorePp).toBeCloseTo(0.4 * ((row.s1! + row.s2!) / 2) + 0.6 * ((row.s3! + row.s4!) / 2), 9);
  }, 300_000);

  it('runs white-box GMI on the linear face prior when asked, beside the students distilled from the target', async () => {
    const a = await attack('whitebox', { targets: 2, prior: 'linear' });
    expect(a.status).toBe('done');
    const details = b.store.attacks.detail(a.attackId).metrics!.details as { prior: { kind: string; dims: number }; students: { students: number; finalLoss: number[]; finalLossIs: string }; overrides: string | null };
    expect(details.prior.kind).toBe('linear');
    expect(details.prior.dims).toBeGreaterThan(0);
    expect(details.students.finalLoss).toHaveLength(details.students.students);
    // the recorded loss says what it is: tau^2 x soft cross-entropy (its floor is not 0), not a plain CE or KL
    expect(details.students.finalLossIs).toBe(DISTIL_LOSS);
    expect(details.overrides).toBeNull();
  }, 120_000);

  it('runs the black-box NES search in the linear prior with counted queries, beside both baselines, and refuses --prior for the reconstruction attack before recording anything', async () => {
    const a = await attack('blackbox', { targets: 2, prior: 'linear' });
    const ds = b.store.datasets.resolve('faces');
    const publicImages = b.store.datasets.images(ds.id).filter((r) => r.split === 'public').length;
    // every public face once; quick: 2 restarts x 4 steps x 8 probes per identity, then one query per searched face
    expect(a.queries).toBe(publicImages + 2 * 2 * (4 * 8 + 1));
    const details = b.store.attacks.detail(a.attackId).metrics!.details as { prior: { kind: string }; baseline: { acc1: number }; topPublic: { acc1: number } };
    expect(details.prior.kind).toBe('linear');
    expect(details.topPublic.acc1).toBeGreaterThanOrEqual(0);
    const before = b.store.attacks.list().length;
    const r = await b.router.invoke('attacks.start', { run: plain.runId, kind: 'reconstruction', prior: 'linear', profile: 'quick' });
    expect(r.ok ? null : r.error.code).toBe('VALIDATION');
    expect(b.store.attacks.list().length).toBe(before);
  }, 120_000);

  it('refuses a white-box attack with the key withheld as UNSUPPORTED before any attack row exists (the white-box attacker holds the key)', async () => {
    const before = b.store.attacks.list().length;
    const r = await b.router.invoke('attacks.start', { run: plain.runId, kind: 'whitebox', key: 'unknown', profile: 'quick' });
    expect(r.ok ? null : r.error.code).toBe('UNSUPPORTED');
    expect(r.ok ? '' : r.error.message).toMatch(/--key known/);
    expect(b.store.attacks.list().length).toBe(before);
  });
});
