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
