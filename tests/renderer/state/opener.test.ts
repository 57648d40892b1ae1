// The renderer's opener: a report link opens in a tab (or says the browser blocked it); Electron's
// answer passes through; errors come back as the message that says what to do.
import { describe, expect, it, vi } from 'vitest';
import type { VeilApi } from '../../../src/shared/contract/api.ts';
import { FileOpener } from '../../../src/renderer/src/state/opener.ts';

const answering = (value: unknown): VeilApi => ({ invoke: vi.fn(async () => value), on: () => () => {} }) as unknown as VeilApi;

describe('the file opener', () => {
  it('opens a report link in a new tab, and says when the browser blocked it', async () => {
    const api = answering({ ok: true, value: { path: '/d/reports/a.html', opened: 'tab', url: '/reports/view?ticket=t' } });
    const tabs: string[] = [];
    expect(await new FileOpener(api, false, (u) => (tabs.push(u), true)).open('report', 'rep_a')).toEqual({ ok: true, path: '/d/reports/a.html', how: 'tab' });
    expect(tabs).toEqual(['/reports/view?ticket=t']);
    expect(await new FileOpener(api, false, () => false).open('report', 'rep_a')).toMatchObject({ ok: true, how: 'blocked' });
    expect(api.invoke).toHaveBeenCalledWith('files.open', { kind: 'report', id: 'rep_a' });
  });

  it('passes the system\'s opening through and opens no tab', async () => {
    const openTab = vi.fn(() => true);
    const api = answering({ ok: true, value: { path: '/d/exports/x', opened: 'os', url: null } });
    expect(await new FileOpener(api, true, openTab).open('export', 'ex_a')).toEqual({ ok: true, path: '/d/exports/x', how: 'os' });
    expect(openTab).not.toHaveBeenCalled();
  });

  it('hands back the error message, which says what to do next', async () => {
    const api = answering({ ok: false, error: { code: 'NOT_FOUND', message: 'The report /d/a.html is gone. Write the report again.' } });
    expect(await new FileOpener(api, false, () => true).open('report', 'rep_a')).toEqual({ ok: false, message: 'The report /d/a.html is gone. Write the report again.' });
  });
});
