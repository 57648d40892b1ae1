import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startHttpBridge, type HttpBridge } from '../../../src/main/ipc/http-transport.ts';
import { oneUsableIdentityFolder } from '../../helpers/face-folder.ts';
import { tempBackend, tempDir } from '../../helpers/temp.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP call, so tests can forge headers (Host, Origin) that fetch would not let them set. */
function raw(bridge: HttpBridge, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('the HTTP bridge', () => {
  const backend = tempBackend();
  const rendererDir = tempDir('veil-renderer-');
  let bridge: HttpBridge;
  let auth: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    bridge = await startHttpBridge({ router: backend.router, bus: backend.bus, rendererDir });
    auth = { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' };
  });
  afterAll(() => bridge.close());

  const call = (method: string, body: unknown, headers = auth): Promise<RawResponse> =>
    raw(bridge, `/api/${method}`, { headers, body: JSON.stringify(body) });

  it('listens on 127.0.0.1 and puts the token in the URL fragment only', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(bridge.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses to bind a non-loopback address', async () => {
    await expect(startHttpBridge({ router: backend.router, bus: backend.bus, rendererDir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('refuses an API call without a token (401 UNAUTHORIZED)', async () => {
    const r = await call('datasets.list', {}, { 'Content-Type': 'application/json' });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('refuses a wrong token (401 UNAUTHORIZED)', async () => {
    const r = await call('datasets.list', {}, { ...auth, Authorization: `Bearer ${'x'.repeat(bridge.token.length)}` });
    expect(r.status).toBe(401);
  });

  it('refuses a foreign Host header (403 FORBIDDEN_HOST), even with the token', async () => {
    const r = await call('datasets.list', {}, { ...auth, Host: `evil.example:${bridge.port}` });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } });
  });

  it('refuses a cross-origin request (403)', async () => {
    const r = await call('datasets.list', {}, { ...auth, Origin: 'http://evil.example' });
    expect(r.status).toBe(403);
  });

  it('refuses an oversized body (413 PAYLOAD_TOO_LARGE) and creates nothing', async () => {
    const body = JSON.stringify({ name: 'big', pad: 'x'.repeat(MAX_BODY_BYTES) });
    const r = await raw(bridge, '/api/datasets.synth', { headers: auth, body });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(backend.store.datasets.list()).toEqual([]);
  });

  it('answers an unknown method with 404 UNKNOWN_METHOD', async () => {
    const r = await call('datasets.explode', {});
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
  });

  it('answers a schema violation with 400 VALIDATION and creates nothing', async () => {
    const r = await call('datasets.synth', { name: '', identities: -3 });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(backend.store.datasets.list()).toEqual([]);
  });

  it('answers malformed JSON with 400 VALIDATION', async () => {
    const r = await raw(bridge, '/api/datasets.list', { headers: auth, body: '{not json' });
    expect(r.status).toBe(400);
  });

  it('answers malformed percent-encoding with a client error, not 500 INTERNAL (regression)', async () => {
    const api = await raw(bridge, '/api/datasets%E0list', { headers: auth, body: '{}' });
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const file = await raw(bridge, '/assets/%E0.js', { method: 'GET' });
    expect(file.status).toBe(404);
    expect(JSON.parse(file.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('gives the same results as the router for the same calls (contract parity)', async () => {
    const cases: [string, unknown][] = [
      ['datasets.list', {}],
      ['datasets.show', { dataset: 'missing' }],
      ['datasets.synth', { name: 7 }],
      ['runs.list', {}],
      ['jobs.list', {}],
      ['no.such', {}],
    ];
    for (const [method, body] of cases) {
      const viaHttp = JSON.parse((await call(method, body)).body);
      const direct = await backend.router.invoke(method, body);
      expect(viaHttp, method).toEqual(JSON.parse(JSON.stringify(direct)));
    }
  });

  it('answers a failed import with its report in the error envelope (400, same as the router)', async () => {
    const root = tempDir();
    await oneUsableIdentityFolder(root);
    const r = await call('datasets.import', { dir: root, name: 'one-usable' });
    expect(r.status).toBe(400);
    const viaHttp = JSON.parse(r.body);
    expect(viaHttp.error.details.skipped.map((f: { path: string }) => f.path)).toEqual(['bob/2.jpg', 'carol/1.png']);
    expect(viaHttp).toEqual(JSON.parse(JSON.stringify(await backend.router.invoke('datasets.import', { dir: root, name: 'one-usable' }))));
  });

  it('streams job progress events to an authenticated client', async () => {
    const res = await fetch(`${bridge.origin}/api/events`, { headers: { Authorization: `Bearer ${bridge.token}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const created = await call('datasets.synth', { name: 'streamed', identities: 3, perIdentity: 2, size: 32 });
    expect(created.status).toBe(200);
    let text = '';
    while (!text.includes('"status":"done"')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    expect(text).toMatch(/"event":"job.progress"/);
    expect(text).toMatch(/"kind":"datasets.synth"/);
  });

  it('serves the renderer with a strict CSP and no token', async () => {
    const r = await raw(bridge, '/', { method: 'GET' });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(r.body).toContain('<title>studio</title>');
  });

  it('does not serve files outside the renderer folder (traversal falls back to the page)', async () => {
    const r = await raw(bridge, '/..%2f..%2f..%2f..%2fetc%2fpasswd', { method: 'GET' });
    expect(r.body).not.toContain('root:');
    expect(r.body).toContain('<title>studio</title>');
    const withExt = await raw(bridge, '/assets/..%2f..%2f..%2f..%2fetc%2fos-release.txt', { method: 'GET' });
    expect(withExt.status).toBe(404);
  });
});
