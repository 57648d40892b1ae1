import { describe, expect, it } from 'vitest';
import { tempBackend } from '../../helpers/temp.ts';

describe('the reports API', () => {
  const b = tempBackend();

  it('lists no report on a fresh data directory', async () => {
    expect(await b.router.invoke('reports.list', {})).toEqual({ ok: true, value: { reports: [] } });
  });

  it('answers NOT_FOUND for a report it never wrote', async () => {
    const r = await b.router.invoke('reports.read', { reportId: 'rep_nope' });
    expect(r.ok ? null : r.error.code).toBe('NOT_FOUND');
  });

  it('refuses a request naming both runs and a dataset, or neither', async () => {
    const both = await b.router.invoke('reports.create', { runs: ['a'], dataset: 'd' });
    const neither = await b.router.invoke('reports.create', {});
    expect(both.ok ? null : both.error.code).toBe('VALIDATION');
    expect(neither.ok ? null : neither.error.code).toBe('VALIDATION');
  });

  it('refuses a second report file (pdf) that is not a .pdf', async () => {
    const r = await b.router.invoke('reports.create', { dataset: 'd', out: 'r.html', pdf: 'r.html' });
    expect(r.ok ? null : r.error.code).toBe('VALIDATION');
  });
});
