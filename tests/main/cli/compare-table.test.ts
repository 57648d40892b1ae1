// `veil compare`'s readable table names the undefended reference of every defended row, not only the first row's.
import { describe, expect, it } from 'vitest';
import { compareTable } from '../../../src/main/cli/commands/compare.ts';
import type { CompareRow } from '../../../src/shared/domain/attack.ts';

function row(name: string, defense: string, referenceRunId: string | null): CompareRow {
  return {
    runId: `run_${name}`, name, defense, seed: 1, status: 'done', accuracy: null, scoreCls: null, scorePp: null, scorePpPartial: true,
    s1: null, s2: null, s3: null, s4: null, attacks: {}, referenceRunId, referenceNote: referenceRunId ? null : 'train a none run',
  };
}

describe('compareTable references', () => {
  it('says one reference once when every defended row shares it', () => {
    const text = compareTable({ rows: [row('none-a', 'none', null), row('fd', 'ppfr-fd', 'run_none-a'), row('mix', 'freq-mixup', 'run_none-a')], reference: { runId: 'run_none-a' } });
    expect(text).toContain('Score_cls and references against the undefended run run_none-a.');
    expect(text).not.toContain('No undefended');
  });

  it('names each reference with its rows, and the rows without one', () => {
    const text = compareTable({
      rows: [row('fd-pre', 'ppfr-fd', 'run_none-pre'), row('fd-scratch', 'ppfr-fd', 'run_none-scratch'), row('fd-quick', 'ppfr-fd', null)],
      reference: { runId: 'run_none-pre' },
    });
    expect(text).toContain('Score_cls and references of fd-pre against the undefended run run_none-pre.');
    expect(text).toContain('Score_cls and references of fd-scratch against the undefended run run_none-scratch.');
    expect(text).toMatch(/No undefended \(none\) run .* for fd-quick: Score_cls unknown/);
  });
});
