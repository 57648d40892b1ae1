/**
 * Reports in a browser tab over the HTTP bridge: `files.open` mints a one-time ticket (60 s) for a
 * checked HTML report, and `GET /reports/view?ticket=...` serves that report once, under a CSP of
 * its own: no script at all (sandboxed), images only as data URIs, only its own <style> (by hash).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportViewQuery } from '../../shared/contract/schemas.ts';
import type { Opener } from './handlers/files.ts';
import type { Router } from './router.ts';

export const REPORT_VIEW_PATH = '/reports/view';

export class ReportTickets {
  private readonly tickets = new Map<string, { reportId: string; expires: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs = 60_000, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  mint(reportId: string): string {
    for (const [t, v] of this.tickets) if (v.expires <= this.now()) this.tickets.delete(t);
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { reportId, expires: this.now() + this.ttlMs });
    return ticket;
  }

  /** The report a ticket was minted for, once; null when unknown, used or expired. */
  take(ticket: string): string | null {
    const v = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return v && v.expires > this.now() ? v.reportId : null;
  }
}

/** The bridge's opener: an HTML report opens in a tab; anything else is shown as its path. */
export function tabOpener(tickets: ReportTickets): Opener {
  return async ({ kind, id, path }) =>
    kind === 'report' && /\.html?$/i.test(path) ? { opened: 'tab', url: `${REPORT_VIEW_PATH}?ticket=${tickets.mint(id)}` } : { opened: 'none', url: null };
}

/** The report page's CSP: what the report's own meta policy allows, minus inline styles other than its own. */
export function reportPageCsp(html: string): string {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  return ["default-src 'none'", 'img-src data:', `style-src ${styles.join(' ') || "'none'"}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", 'sandbox'].join('; ');
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox" });
  res.end(text);
}

const AGAIN = 'Open the report again from the studio (Compare, "Open the report"): each link works once, within a minute.';

/** Serves `GET /reports/view?ticket=...`: the query checked against the contract, the ticket taken once. */
export async function serveReportView(req: IncomingMessage, url: URL, router: Router, tickets: ReportTickets, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET') return sendText(res, 405, 'Reports are read with GET.');
  const query = reportViewQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return sendText(res, 400, `This is not a report link. ${AGAIN}`);
  const reportId = tickets.take(query.data.ticket);
  if (!reportId) return sendText(res, 401, `This report link was used already or has expired. ${AGAIN}`);
  const r = await router.invoke('reports.read', { reportId });
  if (!r.ok) return sendText(res, 404, r.error.message);
  const { html } = r.value as { html: string };
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': reportPageCsp(html),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  res.end(html);
}
