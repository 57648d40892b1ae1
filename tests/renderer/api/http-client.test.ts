// The browser client's event stream stops and says so when `veil serve` refuses the token (401), and keeps retrying while the server does not answer.
import { describe, expect, it, vi } from 'vitest';
import { HttpApi } from '../../../src/renderer/src/api/http-client.ts';

const refused = (): Response => new Response(JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'bad token' } }), { status: 401 });
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the HTTP bridge client', () => {
  it('stops the event stream on a refused token and reports it once, instead of retrying forever', async () => {
    const fetch = vi.fn(async () => refused());
    const onUnauthorized = vi.fn();
    new HttpApi('stale', { fetch, onUnauthorized }).on('job.progress', () => {});
    await settle(1200);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps retrying the event stream while the server does not answer, without calling the token refused', async () => {
    const fetch = vi.fn(async (): Promise<Response> => {
      throw new TypeError('fetch failed');
    });
    const onUnauthorized = vi.fn();
    new HttpApi('good', { fetch, onUnauthorized }).on('job.progress', () => {});
    await settle(700);
    expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports a refused token on a method call too, and still returns the error', async () => {
    const onUnauthorized = vi.fn();
    const r = await new HttpApi('stale', { fetch: async () => refused(), onUnauthorized }).invoke('datasets.list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
