/**
 * `files.open`: shows a report or an export folder the studio recorded writing, named by id (never
 * by a path from the page). The recorded path must still exist, be of its kind (an .html/.pdf file,
 * a folder) and lie, symlinks followed, inside the data directory; the transport's opener shows it.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative } from 'node:path';
import type { OpenFileResponse } from '../../../shared/contract/api.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export interface OpenTarget {
  kind: 'report' | 'export';
  id: string;
  /** the recorded path, checked: real, inside the data directory, of the target's kind */
  path: string;
}

/** How a transport shows a checked target: Electron with the system's app, the HTTP bridge in a tab. */
export type Opener = (target: OpenTarget) => Promise<Pick<OpenFileResponse, 'opened' | 'url'>>;

function recorded(b: Backend, kind: OpenTarget['kind'], id: string): { path: string; again: string } {
  const path = kind === 'report' ? b.store.reports.get(id)?.path : b.store.runs.exports().find((e) => e.id === id)?.path;
  const again = kind === 'report' ? 'Write the report again (Compare, or veil report).' : 'Export the run again (Export, or veil export).';
  if (!path) throw new AppError('NOT_FOUND', `This studio recorded no ${kind} "${id}". ${again}`);
  return { path, again };
}

/** The recorded path of a report or export, checked before anything opens it. */
export async function checkedPath(b: Backend, kind: OpenTarget['kind'], id: string): Promise<string> {
  const { path, again } = recorded(b, kind, id);
  const real = await realpath(path).catch(() => null);
  if (!real) throw new AppError('NOT_FOUND', `The ${kind} ${path} is gone (moved or deleted). ${again}`);
  const rel = relative(await realpath(b.dataDir), real);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError('UNSUPPORTED', `The studio opens only what it keeps in its data directory (${b.dataDir}); ${path} is outside it. Open it yourself from its path.`);
  }
  const info = await stat(real);
  const fits = kind === 'report' ? info.isFile() && /^\.(html?|pdf)$/i.test(extname(real)) : info.isDirectory();
  if (!fits) throw new AppError('UNSUPPORTED', `${path} is not ${kind === 'report' ? 'an .html or .pdf report file' : 'an export folder'}; the studio does not open it.`);
  return real;
}

export function fileHandlers(b: Backend): Pick<Handlers, 'files.open'> {
  return {
    'files.open': async (req) => {
      const path = await checkedPath(b, req.kind, req.id);
      const shown = b.opener ? await b.opener({ kind: req.kind, id: req.id, path }) : { opened: 'none' as const, url: null };
      return { path, ...shown };
    },
  };
}
