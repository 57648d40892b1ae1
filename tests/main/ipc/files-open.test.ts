// files.open: only reports and export folders the studio recorded, inside its data directory, of
// their kind; the transport's opener sees only checked paths; the bridge's one-time report tabs.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenTarget } from '../../../src/main/ipc/handlers/files.ts';
import { startHttpBridge, type HttpBridge } from '../../../src/main/ipc/http-transport.ts';
import { ReportTickets, reportPageCsp, tabOpener } from '../../../src/main/ipc/report-view.ts';
import { tempBackend, tempDir } from '../../helpers/temp.ts';

const b = tempBackend();
const outside = tempDir('veil-outside-');
const PAGE = '<!doctype html><html><head><style>body{color:red}</style></head><body><section id="verdicts"><h2>Verdicts</h2></section></body></html>';

function record(id: string, path: string, body: string | null = PAGE): void {
  if (body !== null) writeFileSync(path, body);
  b.store.reports.insert({ id, path, runs: [], createdAt: new Date().toISOString() });
}

beforeAll(() => {
  mkdirSync(join(b.dataDir, 'reports'));
  record('rep_inside', join(b.dataDir, 'reports', 'a.html'));
  record('rep_outside', join(outside, 'b.html'));
  symlinkSync(join(outside, 'b.html'), join(b.dataDir, 'reports', 'link.html'));
  record('rep_link', join(b.dataDir, 'reports', 'link.html'), null);
  record('rep_gone', join(b.dataDir, 'reports', 'gone.html'), null);
  record('rep_text', join(b.dataDir, 'reports', 'c.txt'), 'not a report');
});

describe('files.open', () => {
  it('answers with the checked path and opens nothing where the transport has no opener', async () => {
    b.opener = null;
    expect(await b.router.invoke('files.open', { kind: 'report', id: 'rep_inside' })).toEqual({ ok: true, value: { path: join(b.dataDir, 'reports', 'a.html'), opened: 'none', url: null } });
  });

  it('hands the transport\'s opener only the recorded, checked path', async () => {
    const opener = vi.fn(async (_t: OpenTarget) => ({ opened: 'os' as const, url: null }));
    b.opener = opener;
    expect(await b.router.invoke('files.open', { kind: 'report', id: 'rep_inside' })).toMatchObject({ ok: true, value: { opened: 'os' } });
    expect(opener).toHaveBeenCalledWith({ kind: 'report', id: 'rep_inside', path: join(b.dataDir, 'reports', 'a.html') });
    b.opener = null;
  });

  it('refuses files outside the data directory, symlinks out of it included', async () => {
    for (const id of ['rep_outside', 'rep_link']) {
      const r = await b.router.invoke('files.open', { kind: 'report', id });
      expect(r, id).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringMatching(/data directory/) } });
    }
  });

  it('refuses what is not a report file, what is gone, and ids it never recorded', async () => {
    expect(await b.router.invoke('files.open', { kind: 'report', id: 'rep_text' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(await b.router.invoke('files.open', { kind: 'report', id: 'rep_gone' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/Write the report again/) } });
    expect(await b.router.invoke('files.open', { kind: 'export', id: 'rep_inside' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('takes ids only, never paths (the contract refuses them)', async () => {
    for (const id of ['../../etc/passwd', '/etc/passwd', '']) {
      expect(await b.router.invoke('files.open', { kind: 'report', id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await b.router.invoke('files.open', { kind: 'report', id: 'rep_inside', path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('opens export folders (not files) of the data directory', async () => {
    const ds = await b.router.invoke('datasets.synth', { name: 'tiny', identities: 2, perIdentity: 2, size: 32 });
    const datasetId = (ds as { ok: true; value: { id: string } }).value.id;
    b.store.runs.create({ id: 'run_x', name: 'x', datasetId, defense: 'ppfr-fd', seed: 1, config: {} });
    const folder = join(b.dataDir, 'exports', 'x');
    mkdirSync(folder, { recursive: true });
    const add = (id: string, path: string): void => b.store.runs.addExport({ id, runId: 'run_x', datasetId, path, format: 'imagefolder', samples: 1, manifestHash: 'h', createdAt: new Date().toISOString() });
    add('ex_dir', folder);
    add('ex_file', join(b.dataDir, 'reports', 'a.html'));
    expect(await b.router.invoke('files.open', { kind: 'export', id: 'ex_dir' })).toMatchObject({ ok: true, value: { path: folder, opened: 'none' } });
    expect(await b.router.invoke('files.open', { kind: 'export', id: 'ex_file' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });
});

describe('report tabs over the HTTP bridge', () => {
  const tickets = new ReportTickets();
  let bridge: HttpBridge;
  const get = (path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: host ? { Host: host } : {} }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const mint = async (): Promise<string> => {
    const r = await b.router.invoke('files.open', { kind: 'report', id: 'rep_inside' });
    return (r as { ok: true; value: { url: string } }).value.url;
  };

  beforeAll(async () => {
    b.opener = tabOpener(tickets);
    bridge = await startHttpBridge({ router: b.router, bus: b.bus, rendererDir: null, reportTickets: tickets });
  });
  afterAll(async () => {
    b.opener = null;
    await bridge.close();
  });

  it('serves a recorded HTML report once per ticket, under a script-free CSP that allows only its own style', async () => {
    const url = await mint();
    expect(url).toMatch(/^\/reports\/view\?ticket=[A-Za-z0-9_-]{32}$/);
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.body).toBe(PAGE);
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toBe(reportPageCsp(PAGE));
    expect(csp).toMatch(/default-src 'none'.*style-src 'sha256-[^']+'.*sandbox/);
    expect(csp).not.toMatch(/script-src|unsafe/);
    expect((await get(url)).status).toBe(401);
  });

  it('refuses a forged, malformed or extended ticket, and a foreign Host', async () => {
    expect((await get(`/reports/view?ticket=${'a'.repeat(32)}`)).status).toBe(401);
    expect((await get('/reports/view?ticket=../../etc')).status).toBe(400);
    expect((await get(`${await mint()}&path=/etc/passwd`)).status).toBe(400);
    expect((await get(await mint(), 'evil.example:80')).status).toBe(403);
  });

  it('expires tickets after their time', () => {
    let now = 0;
    const t = new ReportTickets(1000, () => now);
    const a = t.mint('rep_a');
    now = 1001;
    expect(t.take(a)).toBeNull();
    const c = t.mint('rep_c');
    expect(t.take(c)).toBe('rep_c');
  });

  it('gives no tab for what is not an HTML report (a folder is shown as its path)', async () => {
    expect(await tabOpener(tickets)({ kind: 'export', id: 'ex_dir', path: '/x' })).toEqual({ opened: 'none', url: null });
    expect(await tabOpener(tickets)({ kind: 'report', id: 'rep_p', path: '/x/r.pdf' })).toEqual({ opened: 'none', url: null });
  });
});
