/**
 * The loopback HTTP bridge behind `veil serve`: serves the built renderer and the API.
 * `POST /api/<method>` carries a JSON request and returns the Result envelope; `GET /api/events`
 * streams server-sent events. Security: binds to loopback only, a per-launch bearer token on
 * every API call, Host (DNS rebinding) and Origin checks, a body size cap, strict CSP. A closed
 * request does not cancel the job it started (a reload must not stop a training): `jobs.cancel` does.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { AppError, fail, toErrorInfo, type ErrorCode, type ErrorInfo, type Result } from '../../shared/contract/errors.ts';
import type { EventBus } from '../jobs/event-bus.ts';
import { REPORT_VIEW_PATH, serveReportView, type ReportTickets } from './report-view.ts';
import type { Router } from './router.ts';

/** Largest accepted request body. Requests are small JSON documents; images never travel up. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The renderer's Content-Security-Policy, shared with the Electron shell. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: 403,
  PAYLOAD_TOO_LARGE: 413,
  CANCELLED: 409,
  IO: 500,
  ENGINE_NAN_LOSS: 500,
  UNSUPPORTED: 501,
  INTERNAL: 500,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface HttpBridgeOptions {
  router: Router;
  bus: EventBus;
  /** folder of the built renderer (index.html + assets); null serves the API only */
  rendererDir: string | null;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** fixed token for tests; a fresh random one otherwise */
  token?: string;
  /** one-time report links minted by `files.open` (see report-view.ts); absent: no report tabs */
  reportTickets?: ReportTickets;
}

export interface HttpBridge {
  /** the studio's address, with the token in the fragment (never sent to the server) */
  url: string;
  origin: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ErrorInfo): void {
  sendJson(res, STATUS[error.code], { ok: false, error } satisfies Result<never>);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header ?? '');
  if (!match) return false;
  const a = Buffer.from(match[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A URL path segment decoded, or null when its percent-encoding is malformed (`/%E0`): a client's mistake, not ours. */
function decodePath(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHttpBridge(opts: HttpBridgeOptions): Promise<HttpBridge> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new AppError('VALIDATION', `The HTTP bridge only listens on loopback addresses (127.0.0.1, localhost, ::1), not "${host}".`);
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const hostAllowed = (value: string | undefined): boolean => {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value ?? '');
    return !!m && Number(m[2]) === port && isLoopbackHost(m[1].replace(/^\[|\]$/g, ''));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, toErrorInfo(err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host)) {
      return sendError(res, { code: 'FORBIDDEN_HOST', message: 'This server only answers requests addressed to its loopback address.' });
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === REPORT_VIEW_PATH && opts.reportTickets) return serveReportView(req, url, opts.router, opts.reportTickets, res);
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, req, res);
    const origin = req.headers.origin;
    if (origin !== undefined && !hostAllowed(origin.replace(/^http:\/\//, ''))) {
      return sendError(res, { code: 'FORBIDDEN_HOST', message: 'Cross-origin API requests are refused.' });
    }
    if (!tokenMatches(req.headers.authorization, token)) {
      return sendError(res, { code: 'UNAUTHORIZED', message: 'Missing or wrong token. Open the URL that `veil serve` printed (it carries the token).' });
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return streamEvents(req, res);
    if (req.method !== 'POST') return sendError(res, fail('VALIDATION', 'API calls use POST with a JSON body.').error);
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return sendError(res, { code: 'VALIDATION', message: 'API calls need Content-Type: application/json.' });
    }
    const text = await readBody(req);
    let payload: unknown;
    try {
      payload = text.length ? JSON.parse(text) : {};
    } catch {
      return sendError(res, { code: 'VALIDATION', message: 'The request body is not valid JSON.' });
    }
    const method = decodePath(url.pathname.slice('/api/'.length));
    if (method === null) return sendError(res, { code: 'VALIDATION', message: 'The method name in the URL is not valid percent-encoding. Call /api/<method>, e.g. /api/datasets.list.' });
    // No signal: a tab that reloads or closes drops its request, and must not cancel the training,
    // attack or export that request started (Electron's IPC has no such tie); `jobs.cancel` stops jobs.
    const result = await opts.router.invoke(method, payload);
    if (res.destroyed) return; // the client went away; the job's outcome is in the store and the event stream
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error);
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribe = opts.bus.subscribe((envelope) => res.write(`data: ${JSON.stringify(envelope)}\n\n`));
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }

  async function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, { code: 'VALIDATION', message: 'Only GET is served here.' });
    if (!opts.rendererDir) return sendError(res, { code: 'NOT_FOUND', message: 'This bridge serves the API only.' });
    const root = resolve(opts.rendererDir);
    const decoded = decodePath(pathname);
    if (decoded === null) return sendError(res, { code: 'NOT_FOUND', message: `No such file: ${pathname}` });
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(root, rel || 'index.html');
    if (!file.startsWith(root + sep) && file !== root) return sendError(res, { code: 'NOT_FOUND', message: 'No such file.' });
    let info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      if (extname(rel)) return sendError(res, { code: 'NOT_FOUND', message: `No such file: ${pathname}` });
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        return sendError(res, { code: 'NOT_FOUND', message: 'The studio UI is not built. Run `npm run build`, then start `veil serve` again.' });
      }
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostPart}:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
