// compare (and the report, and `veil attack`'s reference) take the strongest comparable finished attack, not the newest.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackMetrics, AttackSummary, CompareResponse } from '../../../src/shared/domain/attack.ts';
import { compareTable } from '../../../src/main/cli/commands/compare.ts';
import { rankAttacks, variantOf, type AttackPick } from '../../../src/main/jobs/attack-choice.ts';
import { attackResult, checkKey } from '../../../src/main/jobs/attack-job.ts';
import { tempBackend } from '../../helpers/temp.ts';

const metrics = (acc1: number, maskedSsim = 0.4): AttackMetrics => ({
  acc1, acc5: acc1, knnDist: 0.5, psnr: 15, ssim: 0.5, perIdentity: [], chance: 0.1, masked: { acc1: 0.1, acc5: 0.3, knnDist: 0.6, psnr: 14, ssim: maskedSsim },
  keyChannelsRecovered: null, keyChannels: null, queries: null, publicFaces: 10, note: null, details: {},
});

function pick(id: string, o: Partial<AttackPick> & { judge?: 'pretrained' | 'trained'; finishedAt?: string } = {}): AttackPick {
  const summary: AttackSummary = { id, runId: 'r', kind: 'reconstruction', status: 'done', judge: o.judge ?? 'pretrained', seed: 1, createdAt: 'a', finishedAt: o.finishedAt ?? '2026-01-01', seconds: 1, metrics: metrics(0.1) };
  return { summary, profile: o.profile ?? 'standard', public: o.public ?? null, key: o.key ?? 'known', targets: o.targets ?? null, variant: o.variant ?? 'squared, low-res on' };
}

describe('which attack speaks for a run', () => {
  it('ranks the pretrained judge, then standard over quick, then all targets, then key known, then the newest', () => {
    const order = rankAttacks([
      pick('newest-quick', { profile: 'quick', finishedAt: '2026-12-01' }),
      pick('trained-judge', { judge: 'trained', finishedAt: '2026-11-01' }),
      pick('ten-targets', { targets: 10, finishedAt: '2026-10-01' }),
      pick('unknown-key', { key: 'unknown', finishedAt: '2026-09-01' }),
      pick('old', { finishedAt: '2026-01-01' }),
      pick('new', { finishedAt: '2026-02-01' }),
    ]).map((p) => p.summary.id);
    expect(order).toEqual(['new', 'old', 'unknown-key', 'ten-targets', 'newest-quick', 'trained-judge']);
  });

  it('puts the default variant before --low-res off or --decoder-loss tries, unless a variant is asked for', () => {
    const picks = [pick('low-res-off', { variant: 'squared, low-res off', finishedAt: '2026-12-01' }), pick('default'), pick('identity', { variant: 'identity, low-res on', finishedAt: '2026-11-01' })];
    expect(rankAttacks(picks).map((p) => p.summary.id)).toEqual(['default', 'low-res-off', 'identity']);
    expect(rankAttacks(picks, { variant: 'identity, low-res on' })[0].summary.id).toBe('identity');
    expect(variantOf('reconstruction', { lowRes: false }, null)).toBe('squared, low-res off');
    expect(variantOf('reconstruction', {}, { ...metrics(0.1), details: { lowResolution: null } })).toBe('squared, low-res off');
    expect(variantOf('whitebox', { prior: 'linear' }, null)).toBe('prior linear');
  });

  it('prefers the asked public source and profile over strength when told to', () => {
    const picks = [pick('own-std'), pick('lfw-quick', { public: 'lfw', profile: 'quick' }), pick('lfw-std', { public: 'lfw', finishedAt: '2025-01-01' })];
    expect(rankAttacks(picks, { public: 'lfw' })[0].summary.id).toBe('lfw-std');
    expect(rankAttacks(picks, { public: 'lfw', profile: 'quick' })[0].summary.id).toBe('lfw-quick');
  });
});

describe('compare with quick and standard attacks on the same runs', () => {
  const b = tempBackend();

  beforeAll(async () => {
    const ds = (await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 })) as { ok: true; value: { id: string } };
    const pub = (await b.router.invoke('datasets.synth', { name: 'other-faces', identities: 2, perIdentity: 2, size: 32 })) as { ok: true; value: { id: string } };
    for (const [id, defense] of [['run_none', 'none'], ['run_fd', 'ppfr-fd']] as const) {
      b.store.runs.create({ id, name: id, datasetId: ds.value.id, defense, seed: 1, config: { defense, seed: 1 } });
      b.store.runs.finish(id, 'done', {});
    }
    const attack = (id: string, run: string, acc1: number, config: Record<string, unknown>, maskedSsim = 0.4): void => {
      b.store.attacks.create({ id, runId: run, kind: 'reconstruction', judge: 'pretrained', seed: 1, config: { run, kind: 'reconstruction', key: 'known', judge: 'pretrained', seed: 1, ...config } });
      b.store.attacks.finish(id, { status: 'done', metrics: metrics(acc1, maskedSsim), seconds: 1 }, `2026-11-30T10:0${b.store.attacks.list().length}:00Z`);
    };
    attack('atk_none_std', 'run_none', 0.97, { profile: 'standard', public: 'other-faces' });
    attack('atk_fd_std_own', 'run_fd', 0.05, { profile: 'standard' });
    attack('atk_fd_std_pub', 'run_fd', 0.07, { profile: 'standard', public: pub.value.id }, 0.45);
    attack('atk_fd_quick', 'run_fd', 0.2, { profile: 'quick', public: 'other-faces' }, 0.5);
  });

  it("takes the fd run's standard attack on the reference's public data, not its newer quick one, for the columns and S1/S2", async () => {
    const r = (await b.router.invoke('compare.runs', { runs: ['run_fd'] })) as { ok: true; value: CompareResponse };
    const row = r.value.rows[0];
    expect(row.attacks.reconstruction).toMatchObject({ attackId: 'atk_fd_std_pub', profile: 'standard', public: 'other-faces', key: 'known', targets: null, acc1: 0.07 });
    expect(row.s1).toBeCloseTo(1 - 0.45, 9);
    expect(compareTable(r.value)).toMatch(/run_fd: rec atk_fd_std_pub \(standard, public other-faces, key known, squared, low-res on\)/);
  });

  it("gives `veil attack` the reference run's attack of the same profile and public data", () => {
    expect(attackResult(b.store, 'atk_fd_std_pub').reference?.attackId).toBe('atk_none_std');
    expect(attackResult(b.store, 'atk_fd_quick').reference?.attackId).toBe('atk_none_std');
  });
});

describe('--decoder-loss', () => {
  it('is refused for attacks without a decoder, before anything is recorded', () => {
    expect(() => checkKey({ kind: 'whitebox', key: 'known', decoderLoss: 'identity' })).toThrow(/no decoder/);
    expect(() => checkKey({ kind: 'reconstruction', key: 'known', decoderLoss: 'identity' })).not.toThrow();
  });
});

describe('--low-res', () => {
  it('is refused for attacks other than the reconstruction attack', () => {
    expect(() => checkKey({ kind: 'blackbox', key: 'known', lowRes: false })).toThrow(/low-resolution stage/);
    expect(() => checkKey({ kind: 'reconstruction', key: 'known', lowRes: false })).not.toThrow();
  });
});
