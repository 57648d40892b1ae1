import { describe, expect, it } from 'vitest';
import { DemoClock } from '../../../src/main/cli/commands/demo-plan.ts';

function clock(steps: [string, number][]): { c: DemoClock; lines: string[]; tick(s: number): void } {
  let ms = 0;
  const lines: string[] = [];
  const c = new DemoClock(steps.map(([label, expected]) => ({ label, expected })), (l) => lines.push(l), () => ms);
  return { c, lines, tick: (s) => (ms += s * 1000) };
}

describe('the demo ETA', () => {
  it('starts from the guesses and rescales them by the pace of the measured steps', () => {
    const { c, tick } = clock([['a', 30], ['b', 30], ['c', 60]]);
    expect(c.eta()).toBe(120);
    c.begin('a');
    tick(60); // twice as slow as guessed
    c.end();
    expect(c.eta()).toBe(180);
  });

  it('keeps skipped or reused steps out of the pace', () => {
    const { c, tick } = clock([['a', 30], ['b', 30], ['c', 60]]);
    c.begin('a');
    tick(1);
    c.end(false);
    expect(c.eta()).toBe(90);
  });

  it('drops steps that will not run from the estimate', () => {
    const { c, lines } = clock([['train x', 10], ['whitebox on x', 60], ['whitebox on y', 60], ['report', 10]]);
    c.begin('train x');
    c.drop((l) => l.startsWith('whitebox on '));
    c.end(false);
    expect(c.eta()).toBe(10);
    expect(lines[0]).toBe('demo [1/4] 0s in, about 2m20s left: train x');
  });
});

describe('the demo timings', () => {
  it('records each step with its seconds, whether it was measured, and the phases its job went through', () => {
    const { c, tick } = clock([['a', 30], ['b', 30]]);
    c.begin('whitebox on none');
    c.phase('training the GAN prior on public faces');
    tick(40);
    c.phase('optimising latent codes (GMI)');
    tick(5);
    c.end();
    c.begin('training ppfr-fd');
    tick(1);
    c.end(false);
    expect(c.timings()).toEqual([
      { label: 'whitebox on none', seconds: 45, measured: true, phases: [{ phase: 'training the GAN prior on public faces', seconds: 40 }, { phase: 'optimising latent codes (GMI)', seconds: 5 }] },
      { label: 'training ppfr-fd', seconds: 1, measured: false, phases: [] },
    ]);
  });

  it('counts the running step down in the whole-demo ETA', () => {
    const { c, tick } = clock([['a', 60], ['b', 30]]);
    c.begin('a');
    tick(20);
    expect(c.status()).toBe('demo [1/2] 20s in, about 1m10s left');
  });
});
