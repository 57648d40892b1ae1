import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../../../src/shared/domain/attack.ts';
import { weakKinds } from '../../../src/renderer/src/lib/weak-scores.ts';

const attack = (acc1: number) => ({ acc1, acc5: acc1, knnDist: 0.5, psnr: 12, ssim: 0.2, attackId: 'a', judge: 'pretrained' as const, profile: 'quick' as const, public: null, key: 'known' as const, targets: null, variant: '' });
const row = (runId: string, defense: string, attacks: CompareRow['attacks'], referenceRunId: string | null = null): CompareRow =>
  ({ runId, name: runId, defense, seed: 1, status: 'done', accuracy: null, scoreCls: null, scorePp: null, scorePpPartial: true, s1: null, s2: null, s3: null, s4: null, attacks, referenceRunId }) as CompareRow;

describe('weak model attacks on the Compare table', () => {
  it('flags the defended run’s S3 when white-box recognises at most twice chance on its undefended reference (2 of 30 people)', () => {
    const none = row('none', 'none', { whitebox: attack(2 / 30), blackbox: attack(0.5) });
    const fd = row('fd', 'ppfr-fd', { whitebox: attack(0), blackbox: attack(0.1) }, 'none');
    expect([...weakKinds(fd, [none, fd], 30)]).toEqual(['whitebox']);
    expect([...weakKinds(none, [none, fd], 30)]).toEqual(['whitebox']);
  });

  it('flags nothing when the attack recognises 3 of 30 on the reference, or when no reference is known', () => {
    const none = row('none', 'none', { whitebox: attack(3 / 30) });
    expect(weakKinds(row('fd', 'ppfr-fd', { whitebox: attack(0) }, 'none'), [none], 30).size).toBe(0);
    expect(weakKinds(row('fd', 'ppfr-fd', { whitebox: attack(0) }, null), [none], 30).size).toBe(0);
  });
});
