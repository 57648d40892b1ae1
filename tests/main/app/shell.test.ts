// The Electron shell against a stand-in `electron` module (the binary cannot run here): window
// options, CSP, navigation and new-window denial, the IPC sender check and the entry's sandbox.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { recorded, type FakeWebContents } from '../../helpers/fake-electron.ts';
import { applySessionSecurity, isTrustedSender } from '../../../src/main/app/security.ts';
import { createStudioWindow, isOwnUrl } from '../../../src/main/app/window.ts';
import { openWithSystem } from '../../../src/main/app/open-path.ts';
import { AppError } from '../../../src/shared/contract/errors.ts';
import { attachIpcTransport, INVOKE_CHANNEL } from '../../../src/main/ipc/electron-transport.ts';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/ipc/http-transport.ts';
import type { Router } from '../../../src/main/ipc/router.ts';

vi.mock('electron', () => import('../../helpers/fake-electron.ts'));

const OUT = '/opt/veil/out/main';
const PAGE = 'file:///opt/veil/out/renderer/index.html';

describe('the studio window', () => {
  let options: Record<string, unknown>;
  let contents: FakeWebContents;

  beforeAll(() => {
    delete process.env.ELECTRON_RENDERER_URL;
    const win = createStudioWindow(OUT);
    options = recorded.windows.at(-1)!.options;
    contents = win.webContents as unknown as FakeWebContents;
  });

  it('isolates the page: context isolation, sandbox, no Node integration, web security, only the preload', () => {
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/opt/veil/out/preload/index.cjs' });
    const prefs = options.webPreferences as Record<string, unknown>;
    for (const risky of ['nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'webviewTag', 'allowRunningInsecureContent', 'experimentalFeatures']) expect(prefs[risky], risky).toBeFalsy();
  });

  it('loads the bundled page', () => {
    expect(recorded.windows.at(-1)!.loaded).toEqual([PAGE]);
  });

  it('stays on the studio page: navigation elsewhere is prevented', () => {
    const navigate = (url: string): boolean => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(`${PAGE}#runs`)).toBe(false);
  });

  it('denies every new window, opening only https links in the system browser', () => {
    expect(contents.windowOpenHandler!({ url: 'https://arxiv.org/abs/2403.10558' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(recorded.openedExternally).toEqual(['https://arxiv.org/abs/2403.10558']);
  });

  it('refuses to attach webviews', () => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('the session', () => {
  beforeAll(() => applySessionSecurity());

  it('puts the strict CSP on every response, replacing none of the other headers', () => {
    const callback = vi.fn();
    recorded.headersHook!({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  it('has a CSP that allows only the studio\'s own scripts (no inline script, no eval but wasm)', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  });

  it("has the same CSP in the page's own meta tag (the policy of a file:// page), less frame-ancestors, which a meta tag cannot set", () => {
    const page = readFileSync(fileURLToPath(new URL('../../../src/renderer/index.html', import.meta.url)), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page)?.[1];
    const directives = (csp: string): string[] => csp.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();
    expect(meta).toBeDefined();
    expect(directives(meta!)).toEqual(directives(CONTENT_SECURITY_POLICY).filter((d) => !d.startsWith('frame-ancestors')));
  });

  it('grants no permission (camera, notifications, ...)', () => {
    const callback = vi.fn();
    recorded.permissionHandler!({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
  });
});

describe('the IPC sender check', () => {
  const own = (url: string): boolean => isOwnUrl(url, PAGE);
  const from = (frame: { url: string; parent: unknown } | null) => ({ senderFrame: frame }) as never;

  it('trusts only the studio page\'s top frame', () => {
    expect(isTrustedSender(from({ url: PAGE, parent: null }), own)).toBe(true);
    expect(isTrustedSender(from({ url: PAGE, parent: {} }), own)).toBe(false);
    expect(isTrustedSender(from({ url: 'https://evil.example/', parent: null }), own)).toBe(false);
    expect(isTrustedSender(from({ url: 'file:///tmp/other.html', parent: null }), own)).toBe(false);
    expect(isTrustedSender(from(null), own)).toBe(false);
  });

  it('answers untrusted senders UNAUTHORIZED without reaching the router', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: 'reached' }));
    const detach = attachIpcTransport({ invoke } as unknown as Router, (e) => isTrustedSender(e, own));
    const handler = recorded.ipcHandlers.get(INVOKE_CHANNEL)!;
    expect(await handler(from({ url: 'https://evil.example/', parent: null }), 'datasets.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(invoke).not.toHaveBeenCalled();
    expect(await handler(from({ url: PAGE, parent: null }), 'datasets.list', {})).toEqual({ ok: true, value: 'reached' });
    expect(invoke).toHaveBeenCalledWith('datasets.list', {});
    detach();
  });
});

describe('opening what the studio wrote (files.open in Electron)', () => {
  it('opens the checked path with the system\'s app', async () => {
    expect(await openWithSystem({ kind: 'report', id: 'rep_a', path: '/data/reports/a.html' })).toEqual({ opened: 'os', url: null });
    expect(recorded.openedPaths).toEqual(['/data/reports/a.html']);
  });

  it('turns the system\'s refusal into an IO error that says what to do', async () => {
    recorded.openPathAnswer = 'No application knows this file type';
    await expect(openWithSystem({ kind: 'export', id: 'ex_a', path: '/data/exports/x' })).rejects.toThrow(AppError);
    await expect(openWithSystem({ kind: 'export', id: 'ex_a', path: '/data/exports/x' })).rejects.toThrow(/Open it yourself/);
    recorded.openPathAnswer = '';
  });

  it('is reached over the one invoke channel as the contract method files.open, validated by the router', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: 'opened' }));
    const detach = attachIpcTransport({ invoke } as unknown as Router, () => true);
    await recorded.ipcHandlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: PAGE, parent: null } }, 'files.open', { kind: 'report', id: 'rep_a' });
    expect(invoke).toHaveBeenCalledWith('files.open', { kind: 'report', id: 'rep_a' });
    detach();
  });
});

describe('the Electron entry', () => {
  it('turns on the sandbox for every renderer', async () => {
    await import('../../../src/main/index.ts');
    expect(recorded.sandboxEnabled).toBe(true);
  });
});
