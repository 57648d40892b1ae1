// The preload bridge against a stand-in `electron` module: it exposes exactly `invoke` and `on`.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { recorded } from '../helpers/fake-electron.ts';
import type { VeilApi } from '../../src/shared/contract/api.ts';

vi.mock('electron', () => import('../helpers/fake-electron.ts'));

describe('the preload bridge', () => {
  let api: VeilApi;

  beforeAll(async () => {
    await import('../../src/preload/index.ts');
    api = recorded.exposed.get('api') as VeilApi;
  });

  it('exposes one object, `api`, with exactly two functions: invoke and on', () => {
    expect([...recorded.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('sends invoke over the one invoke channel, nothing else', async () => {
    await api.invoke('datasets.list', {});
    expect(recorded.rendererInvokes).toEqual([['veil:invoke', 'datasets.list', {}]]);
  });

  it('hands a listener only its own event\'s payload, never the IPC event, and detaches it', () => {
    const seen: unknown[] = [];
    const off = api.on('datasets.changed', (payload) => seen.push(payload));
    const [listener] = recorded.rendererListeners.get('veil:event')!;
    listener({ sender: 'ipc internals' }, { event: 'job.progress', payload: { id: 'j' } });
    listener({ sender: 'ipc internals' }, { event: 'datasets.changed', payload: { id: 'd' } });
    expect(seen).toEqual([{ id: 'd' }]);
    off();
    expect(recorded.rendererListeners.get('veil:event')!.size).toBe(0);
  });
});
