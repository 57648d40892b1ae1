import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../src/shared/domain/run.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('runs.update and runs.delete', () => {
  const b = tempBackend();
  const events: string[] = [];
  b.bus.subscribe((e) => events.push(e.event));

  async function makeRun(id: string, status: 'done' | 'running'): Promise<void> {
    if (!b.store.datasets.list().length) await b.router.invoke('datasets.synth', { name: 'runs-faces', identities: 4, perIdentity: 3, size: 32 });
    b.store.runs.create({ id, name: id, datasetId: b.store.datasets.list()[0].id, defense: 'none', seed: 1, config: {} });
    b.store.runs.addMetrics(id, 0, 1, { loss: 1 });
    if (status === 'done') b.store.runs.finish(id, 'done', null);
  }

  it('saves tags and notes, and tells clients the run changed', async () => {
    await makeRun('run_a', 'done');
    const r = await b.router.invoke('runs.update', { run: 'run_a', tags: ['baseline', 'baseline', 'q'], notes: 'first try' });
    expect(r.ok).toBe(true);
    const detail = (await b.router.invoke('runs.show', { run: 'run_a' })) as { ok: true; value: RunDetail };
    expect(detail.value.tags).toEqual(['baseline', 'q']);
    expect(detail.value.notes).toBe('first try');
    expect(events).toContain('runs.changed');
  });

  it('leaves the notes alone when only tags change', async () => {
    await b.router.invoke('runs.update', { run: 'run_a', tags: [] });
    const detail = (await b.router.invoke('runs.show', { run: 'run_a' })) as { ok: true; value: RunDetail };
    expect(detail.value).toMatchObject({ tags: [], notes: 'first try' });
  });

  it('deletes a finished run with its metrics', async () => {
    expect((await b.router.invoke('runs.delete', { run: 'run_a' })).ok).toBe(true);
    expect((await b.router.invoke('runs.show', { run: 'run_a' })).ok).toBe(false);
  });

  it('refuses to delete a running run and says to cancel it first', async () => {
    await makeRun('run_b', 'running');
    const r = await b.router.invoke('runs.delete', { run: 'run_b' });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/Cancel it first/) });
  });
});
