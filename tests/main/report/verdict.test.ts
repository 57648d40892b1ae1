import { describe, expect, it } from 'vitest';
import type { AttackResult, DefenceEntry } from '../../../src/main/report/model.ts';
import { strongestAttack, verdict } from '../../../src/main/report/verdict.ts';

function attack(kind: string, acc1: number | null, targets: number | null = 30, recognised: number | null = null): AttackResult {
  return { kind, acc1, acc5: null, knnDist: null, psnr: null, ssim: null, targets, recognised, keyKnown: true, judge: 'pretrained' };
}

function entry(defense: DefenceEntry['defense'], identification: number | null, attacks: AttackResult[]): DefenceEntry {
  return {
    runId: `run-${defense}`,
    runName: defense,
    defense,
    label: defense,
    seed: 1,
    backend: 'wasm',
    epochs: 10,
    accuracy: identification === null ? null : { identification, verification: 0.9, tarAtFar1e2: null, tarAtFar1e3: null },
    scoreCls: null,
    referenceRunId: null,
    s1: null,
    s2: null,
    s3: null,
    s4: null,
    scorePp: null,
    scorePpPartial: true,
    attacks,
    meanK: null,
    epsilon: null,
    versions: null,
  };
}

const none = entry('none', 0.98, [attack('whitebox', 19 / 30), attack('reconstruction', 24 / 30)]);

describe('the verdict rule', () => {
  it('says "protects" with people counts and the accuracy cost when the attacker recognises a third as many people or fewer', () => {
    const v = verdict({ entry: entry('adaptive', 0.96, [attack('whitebox', 3 / 30)]), reference: none, privateIdentities: 30 });
    expect(v.level).toBe('protects');
    expect(v.sentence).toBe('An attacker holding this model recognised 3 of 30 people (white-box model inversion), against 19 of 30 people without the defence, at a cost of 2.0 points of identification accuracy (96.0% against 98.0%).');
  });

  it('says "partly protects" when fewer people are recognised but more than a third as many', () => {
    expect(verdict({ entry: entry('ppfr-fd', 0.97, [attack('whitebox', 10 / 30)]), reference: none, privateIdentities: 30 }).level).toBe('partial');
  });

  it('says "does not protect" when the attacker recognises as many people as without the defence', () => {
    expect(verdict({ entry: entry('ppfr-fd', 0.97, [attack('whitebox', 19 / 30)]), reference: none, privateIdentities: 30 }).level).toBe('no-protection');
  });

  it('judges by the strongest attack on the defended model and compares it with the same attack on the reference', () => {
    const v = verdict({ entry: entry('freq-mixup', 0.95, [attack('whitebox', 2 / 30), attack('reconstruction', 20 / 30)]), reference: none, privateIdentities: 30 });
    expect(v.level).toBe('partial');
    expect(v.sentence).toContain('recognised 20 of 30 people (reconstruction from the masked training set), against 24 of 30 people');
  });

  it('is "not assessed" when no attack was run on the defended model, and still states the accuracy cost', () => {
    const v = verdict({ entry: entry('ppfr-fd', 0.97, []), reference: none, privateIdentities: 30 });
    expect(v.level).toBe('not-assessed');
    expect(v.sentence).toContain('1.0 point of identification accuracy');
  });

  it('ignores attacks whose Acc@1 was not measured', () => {
    expect(verdict({ entry: entry('ppfr-fd', 0.97, [attack('whitebox', null)]), reference: none, privateIdentities: 30 }).level).toBe('not-assessed');
  });

  it('states no reduction when there is no undefended run', () => {
    const v = verdict({ entry: entry('adaptive', 0.96, [attack('whitebox', 3 / 30)]), reference: null, privateIdentities: 30 });
    expect(v.level).toBe('no-reference');
    expect(v.sentence).toContain('there is no undefended model to compare with');
    expect(v.sentence).toContain('it was trained with 96.0% identification accuracy (no undefended model to compare with)');
  });

  it('states no reduction when the undefended model was not attacked the same way', () => {
    const v = verdict({ entry: entry('adaptive', 0.96, [attack('blackbox', 3 / 30)]), reference: none, privateIdentities: 30 });
    expect(v.level).toBe('no-reference');
    expect(v.sentence).toContain('the undefended model was not attacked this way');
  });

  it('is inconclusive when the attack is barely above chance on the undefended model', () => {
    const weak = entry('none', 0.98, [attack('whitebox', 2 / 30)]);
    expect(verdict({ entry: entry('adaptive', 0.96, [attack('whitebox', 0)]), reference: weak, privateIdentities: 30 }).level).toBe('inconclusive');
  });

  it('flags an accuracy cost above the budget and reports a gain as no loss', () => {
    expect(verdict({ entry: entry('adaptive', 0.9, [attack('whitebox', 1 / 30)]), reference: none, privateIdentities: 30 }).sentence).toContain('8.0 points of identification accuracy (90.0% against 98.0%, more than the 2-point budget)');
    expect(verdict({ entry: entry('adaptive', 0.99, [attack('whitebox', 1 / 30)]), reference: none, privateIdentities: 30 }).sentence).toContain('no loss of identification accuracy');
  });

  it('counts people over the private identities when an attack did not record its targets', () => {
    const v = verdict({ entry: entry('adaptive', 0.96, [attack('whitebox', 0.25, null)]), reference: entry('none', 0.98, [attack('whitebox', 0.75, null)]), privateIdentities: 12 });
    expect(v.sentence).toContain('recognised 3 of 12 people');
    expect(v.sentence).toContain('against 9 of 12 people');
  });

  it('describes the undefended run as the reference, with or without attacks', () => {
    expect(verdict({ entry: none, reference: none, privateIdentities: 30 }).sentence).toContain('recognised 24 of 30 people');
    expect(verdict({ entry: entry('none', 0.98, []), reference: null, privateIdentities: 30 }).sentence).toContain('no attack has been run on it');
  });

  it('counts people by the majority rule when the attack recorded per-person scores, and judges by that count', () => {
    // 20% of reconstructions named right, but spread so that only 1 person is named right for most of theirs
    const v = verdict({ entry: entry('ppfr-fd', 0.97, [attack('reconstruction', 0.2, 12, 1)]), reference: entry('none', 0.98, [attack('reconstruction', 0.97, 12, 12)]), privateIdentities: 12 });
    expect(v.sentence).toContain('recognised 1 of 12 people');
    expect(v.sentence).toContain('against 12 of 12 people');
    expect(v.level).toBe('protects');
  });

  it('prefers the attack that recognised more people over one with a higher Acc@1', () => {
    expect(strongestAttack([attack('reconstruction', 0.4, 12, 2), attack('whitebox', 0.3, 12, 4)], 12)?.kind).toBe('whitebox');
  });

  it('says so in the badge when a defence protects at an accuracy cost above the budget', () => {
    expect(verdict({ entry: entry('adaptive', 0.5, [attack('whitebox', 1 / 30)]), reference: none, privateIdentities: 30 }).headline).toBe('Protects, at a high accuracy cost');
    expect(verdict({ entry: entry('adaptive', 0.97, [attack('whitebox', 1 / 30)]), reference: none, privateIdentities: 30 }).headline).toBe('Protects');
  });

  it('sets aside an attack too weak on the undefended model and judges by the attacks that are not', () => {
    // white-box: 2 of 12 defended, 1 of 12 undefended (too weak); reconstruction: 1 of 12 against 12 of 12
    const ref = entry('none', 0.78, [attack('whitebox', 0.08, 12, 1), attack('reconstruction', 0.98, 12, 12)]);
    const v = verdict({ entry: entry('freq-mixup', 0.77, [attack('whitebox', 0.17, 12, 2), attack('reconstruction', 0.08, 12, 1)]), reference: ref, privateIdentities: 12 });
    expect(v.level).toBe('protects');
    expect(v.sentence).toContain('recognised 1 of 12 people (reconstruction from the masked training set), against 12 of 12 people');
    expect(v.caveat).toBe(
      'Not counted, too weak on the undefended model to show anything (at most 2 times chance): white-box model inversion (1 of 12 people). So this verdict is about a leaked masked training set only: no attack strong enough tested the trained model itself.',
    );
  });

  it('adds no caveat when every attack is strong enough on the undefended model', () => {
    const ref = entry('none', 0.98, [attack('whitebox', 0.5, 12, 6)]);
    expect(verdict({ entry: entry('adaptive', 0.97, [attack('whitebox', 0.1, 12, 1)]), reference: ref, privateIdentities: 12 }).caveat).toBeNull();
  });

  it('judges by the conclusive attack where the defence fares worst', () => {
    const ref = entry('none', 0.98, [attack('whitebox', 0.5, 12, 6), attack('reconstruction', 1, 12, 12)]);
    const v = verdict({ entry: entry('adaptive', 0.97, [attack('whitebox', 0.4, 12, 5), attack('reconstruction', 0.1, 12, 1)]), reference: ref, privateIdentities: 12 });
    expect(v.level).toBe('partial');
    expect(v.sentence).toContain('recognised 5 of 12 people (white-box model inversion), against 6 of 12 people');
  });

  it('picks the strongest attack deterministically on ties', () => {
    expect(strongestAttack([attack('whitebox', 0.5), attack('blackbox', 0.5)])?.kind).toBe('blackbox');
    expect(strongestAttack([])).toBeNull();
  });
});
