/**
 * Walks an ImageFolder tree `root/<identity>/<image>` without modifying it: lists candidate image
 * files per identity (nested folders included), and reports what cannot be used (files outside an
 * identity folder, non-image files, unreadable folders, broken links, symlink loops).
 */
import type { Dirent } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { AppError } from '../../../shared/contract/errors.ts';
import type { SkippedFile } from '../../../shared/domain/dataset.ts';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.pgm', '.ppm', '.pnm']);

/** The file-system calls the walker uses; tests inject failures through it. */
export interface WalkFs {
  readdir(path: string): Promise<Dirent[]>;
  stat(path: string): Promise<{ isDirectory(): boolean; isFile(): boolean }>;
  realpath(path: string): Promise<string>;
}

const nodeFs: WalkFs = {
  readdir: (p) => fsp.readdir(p, { withFileTypes: true }),
  stat: (p) => fsp.stat(p),
  realpath: (p) => fsp.realpath(p),
};

export interface IdentityFiles {
  /** folder name, NFC-normalised */
  name: string;
  /** absolute paths, sorted */
  files: string[];
}

export interface WalkResult {
  identities: IdentityFiles[];
  skipped: SkippedFile[];
  /** documentation beside the identity folders (README, LICENSE, *.txt): listed, not an error */
  ignored: SkippedFile[];
}

/** Files at the root that document a dataset rather than being part of it. */
const DOC_FILE = /^(readme|license|licence|copying|notice|citation)(\..*)?$|\.(md|txt|pdf|html?|csv|json|ya?ml)$/i;

const MAX_DEPTH = 8;

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function walkImageFolder(root: string, fs: WalkFs = nodeFs): Promise<WalkResult> {
  const info = await fs.stat(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new AppError('NOT_FOUND', `The folder ${root} does not exist. Check the path and try again.`);
    throw new AppError('IO', `Cannot read ${root}: ${err.message}.`);
  });
  if (!info.isDirectory()) throw new AppError('VALIDATION', `${root} is a file, not a folder. Point the import at a folder laid out as <root>/<identity>/<image>.`);

  const skipped: SkippedFile[] = [];
  const ignored: SkippedFile[] = [];
  const rel = (p: string): string => relative(root, p) || '.';
  const visited = new Set<string>([await fs.realpath(root)]);

  async function entries(dir: string): Promise<Dirent[] | null> {
    try {
      return (await fs.readdir(dir)).sort((a, b) => byCodePoint(a.name, b.name));
    } catch (err) {
      skipped.push({ path: rel(dir), reason: `unreadable folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return null;
    }
  }

  /** Resolves an entry to 'dir' | 'file' | null (reported), following links with loop detection. */
  async function kind(path: string, entry: Dirent): Promise<'dir' | 'file' | null> {
    if (entry.isFile()) return 'file';
    if (entry.isDirectory() || entry.isSymbolicLink()) {
      const target = await fs.stat(path).catch(() => null);
      if (!target) {
        skipped.push({ path: rel(path), reason: 'broken link (its target does not exist)' });
        return null;
      }
      if (target.isFile()) return 'file';
      if (!target.isDirectory()) return null;
      const real = await fs.realpath(path);
      if (visited.has(real)) {
        skipped.push({ path: rel(path), reason: 'symlink loop (this folder was already visited)' });
        return null;
      }
      visited.add(real);
      return 'dir';
    }
    skipped.push({ path: rel(path), reason: 'not a regular file' });
    return null;
  }

  async function collect(dir: string, depth: number, into: string[]): Promise<void> {
    const list = await entries(dir);
    if (!list) return;
    for (const entry of list) {
      const path = join(dir, entry.name);
      const k = await kind(path, entry);
      if (k === 'dir') {
        if (depth < MAX_DEPTH) await collect(path, depth + 1, into);
        else skipped.push({ path: rel(path), reason: `nested deeper than ${MAX_DEPTH} folders` });
      } else if (k === 'file') {
        if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) into.push(path);
        else skipped.push({ path: rel(path), reason: `not an image (${extname(entry.name) || 'no extension'}); supported: ${[...IMAGE_EXTENSIONS].join(' ')}` });
      }
    }
  }

  const identities: IdentityFiles[] = [];
  for (const entry of (await entries(root)) ?? []) {
    const path = join(root, entry.name);
    const k = await kind(path, entry);
    if (k === 'file' && DOC_FILE.test(entry.name)) {
      ignored.push({ path: rel(path), reason: 'dataset documentation beside the identity folders (not an image)' });
    } else if (k === 'file') {
      skipped.push({ path: rel(path), reason: 'not inside an identity folder (expected <root>/<identity>/<image>)' });
    } else if (k === 'dir') {
      const files: string[] = [];
      await collect(path, 1, files);
      identities.push({ name: entry.name.normalize('NFC'), files });
    }
  }
  return { identities, skipped, ignored };
}
