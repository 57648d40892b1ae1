/**
 * `veil serve`: the studio in a browser over the loopback HTTP bridge. Prints `{url, token}` as
 * one JSON line once listening, then serves until SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHttpBridge } from '../../ipc/http-transport.ts';
import { ReportTickets, tabOpener } from '../../ipc/report-view.ts';
import { intFlag } from '../args.ts';
import type { CliContext } from '../context.ts';

/** The built renderer inside the package (`npm run build` writes it). */
export const RENDERER_DIR = fileURLToPath(new URL('../../../../out/renderer/', import.meta.url));

export async function serveCommand(ctx: CliContext): Promise<void> {
  const backend = ctx.backend();
  const rendererDir = process.env.VEIL_RENDERER_DIR ?? RENDERER_DIR;
  if (!existsSync(`${rendererDir}/index.html`)) {
    ctx.out.stderr.write(`veil: the studio UI is not built (${rendererDir}); the API is served, the page is not. Run \`npm run build\` first.\n`);
  }
  const reportTickets = new ReportTickets();
  backend.opener = tabOpener(reportTickets);
  const bridge = await startHttpBridge({
    router: backend.router,
    reportTickets,
    bus: backend.bus,
    rendererDir,
    host: typeof ctx.args.flags.host === 'string' ? ctx.args.flags.host : '127.0.0.1',
    port: intFlag(ctx.args.flags, 'port', 0),
  });
  ctx.out.stdout.write(`${JSON.stringify({ url: bridge.url, token: bridge.token })}\n`);
  if (!ctx.args.json) ctx.out.stderr.write(`Veil Studio is serving at ${bridge.origin} (open the URL above; Ctrl-C stops it).\n`);
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  await bridge.close();
}
