import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/shared/domain/job.ts';
import { HEARTBEAT_MS, progressPrinter, type Output } from '../../../src/main/cli/output.ts';

function pipe(status?: () => string): { out: Output; lines: string[]; tick(ms: number): void; print: (j: JobInfo) => void } {
  const lines: string[] = [];
  let ms = 0;
  const out: Output = { json: false, stdout: { write: () => true } as never, stderr: { write: (s: string) => (lines.push(...s.split('\n').filter(Boolean)), true) } as never, status };
  return { out, lines, tick: (d) => (ms += d), print: progressPrinter(out, () => ms) };
}

function job(done: number, total: number, phase: string | null = null, status: JobInfo['status'] = 'running'): JobInfo {
  return { id: 'j1', kind: 'attack', label: 'Attack (whitebox) on run_1', status, done, total, etaSeconds: null, subject: null, error: null, phase };
}

describe('the progress printer in a pipe or log (no TTY)', () => {
  it('keeps printing through every phase of a job, not only the first (regression: it went silent after the first attack phase)', () => {
    const p = pipe();
    for (let d = 1; d <= 8; d++) p.print(job(d, 8, 'training the GAN prior on public faces'));
    for (let d = 1; d <= 8; d++) p.print(job(d, 8, 'optimising latent codes (GMI)'));
    p.print(job(8, 8, 'optimising latent codes (GMI)', 'done'));
    expect(p.lines.filter((l) => l.includes('GAN prior')).length).toBeGreaterThanOrEqual(3);
    expect(p.lines.filter((l) => l.includes('latent codes')).length).toBeGreaterThanOrEqual(3);
    expect(p.lines.at(-1)).toMatch(/8\/8 done$/);
  });

  it('prints a line at least every HEARTBEAT_MS while a quarter takes longer', () => {
    const p = pipe();
    p.print(job(1, 400));
    p.tick(HEARTBEAT_MS - 1);
    p.print(job(2, 400));
    expect(p.lines).toHaveLength(1);
    p.tick(1);
    p.print(job(3, 400));
    expect(p.lines).toHaveLength(2);
  });

  it('appends the whole-demo status to every line', () => {
    const p = pipe(() => 'demo [3/9] 1m in, about 4m left');
    p.print(job(1, 4));
    expect(p.lines[0]).toMatch(/\| demo \[3\/9\] 1m in, about 4m left$/);
  });
});

describe('the progress printer on a terminal', () => {
  it('redraws one row, cut to the terminal width, with the whole-demo status before the job name', () => {
    const written: string[] = [];
    const out: Output = { json: false, stdout: { write: () => true } as never, stderr: { isTTY: true, columns: 80, write: (s: string) => (written.push(s), true) } as never, status: () => 'demo [8/22] 1m20s in, about 3m left' };
    progressPrinter(out)(job(3, 8, 'training the GAN prior on public faces'));
    expect(written[0].startsWith('\r[')).toBe(true);
    const row = written[0].slice(1).replace('\x1b[K', '');
    expect(row.length).toBeLessThanOrEqual(79);
    expect(row).toContain('| demo [8/22] 1m20s in, about 3m left');
  });
});
