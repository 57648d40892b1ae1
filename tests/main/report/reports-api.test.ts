import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('says it cannot write the report (IO, with what to do) when the output folder cannot be made, instead of an unexpected error', async () => {
    const ds = (await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 })) as { ok: true; value: { id: string } };
    b.store.runs.create({ id: 'run_none', name: 'plain', datasetId: ds.value.id, defense: 'none', seed: 1, config: {} });
    b.store.runs.finish('run_none', 'done', { accuracy: { identification: 0.9, verification: 0.9, tarAtFar1e2: null, tarAtFar1e3: null } });
    const file = join(b.dataDir, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await b.router.invoke('reports.create', { runs: ['plain'], out: join(file, 'report.html') });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'IO', message: expect.stringMatching(/Cannot write the report to .*report\.html .*Choose a folder you can write to/) });
    expect(b.store.reports.list()).toEqual([]);
  });
});

