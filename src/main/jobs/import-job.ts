/**
 * The folder import job: walk the tree, read and hash each file, decode it concurrently, drop
 * duplicates and identities with fewer than 2 usable images, then persist as one unit. Every file
 * that is not used is reported with its reason; the source tree is only ever read.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ImportDatasetResponse, ParsedRequestOf } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import type { SkippedFile } from '../../shared/domain/dataset.ts';
import { mapLimit } from '../data/concurrency.ts';
import { decodeFace, DecodeError } from '../data/ingest/decode.ts';
import { walkImageFolder } from '../data/ingest/walk.ts';
import { assertNameFree, persistDataset, type DatasetJobDeps, type DecodedDataset } from './dataset-jobs.ts';
import type { JobContext } from './job-runner.ts';

/** sharp decodes on libuv's pool; this many files in flight keeps both cores busy. */
const DECODE_CONCURRENCY = 8;

export async function importDataset(deps: DatasetJobDeps, req: ParsedRequestOf<'datasets.import'>, ctx: JobContext): Promise<ImportDatasetResponse> {
  assertNameFree(deps.store, req.name);
  const channels = req.color ? 3 : 1;
  const walk = await walkImageFolder(req.dir);
  const skipped: SkippedFile[] = [...walk.skipped];
  const files = walk.identities.flatMap((id) => id.files.map((path) => ({ identity: id.name, path })));
  if (walk.identities.length === 0) {
    throw new AppError('VALIDATION', `${req.dir} has no identity folders. Lay it out as <root>/<identity>/<image> (one folder per person) and import again.`);
  }
  const rel = (p: string): string => relative(req.dir, p);
  let done = 0;
  const decoded = await mapLimit(
    files,
    DECODE_CONCURRENCY,
    async (f) => {
      try {
        const bytes = await readFile(f.path);
        const hash = createHash('sha256').update(bytes).digest('hex');
        const face = await decodeFace(bytes, req.size, channels);
        return { ...f, ...face, hash };
      } catch (err) {
        const reason = err instanceof DecodeError ? err.message : `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
        skipped.push({ path: rel(f.path), reason });
        return null;
      } finally {
        ctx.progress(++done, files.length);
      }
    },
    ctx.signal,
  );
  ctx.throwIfCancelled();

  // Duplicates by content: the first copy (in sorted order) is kept, the others are reported.
  const firstByHash = new Map<string, string>();
  const groups = new Map<string, string[]>();
  const usable = decoded.filter((d): d is NonNullable<typeof d> => {
    if (!d) return false;
    const first = firstByHash.get(d.hash);
    if (first === undefined) {
      firstByHash.set(d.hash, rel(d.path));
      return true;
    }
    const group = groups.get(d.hash) ?? [first];
    group.push(rel(d.path));
    groups.set(d.hash, group);
    return false;
  });

  const counts = new Map<string, number>();
  for (const d of usable) counts.set(d.identity, (counts.get(d.identity) ?? 0) + 1);
  const kept = walk.identities.map((i) => i.name).filter((name) => (counts.get(name) ?? 0) >= 2);
  const droppedIdentities = walk.identities.map((i) => i.name).filter((name) => !kept.includes(name));
  if (kept.length < 2) {
    throw new AppError(
      'VALIDATION',
      `Only ${kept.length} identity folder(s) in ${req.dir} have 2 or more usable images; at least 2 are needed. ${skipped.length} file(s) were unusable: see the report, fix them, and import again.`,
      {
        skipped: [...skipped].sort((a, b) => (a.path < b.path ? -1 : 1)),
        droppedIdentities: droppedIdentities.map((name) => ({ name, reason: `${counts.get(name) ?? 0} usable image(s); 2 are needed` })),
        duplicates: [...groups.values()],
      },
    );
  }
  const labelOf = new Map(kept.map((name, label) => [name, label]));
  const images: DecodedDataset['images'] = usable
    .filter((d) => labelOf.has(d.identity))
    .map((d) => ({ label: labelOf.get(d.identity)!, pixels: d.pixels, sourcePath: d.path, hash: d.hash, width: d.width, height: d.height }));
  const report = { skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : 1)), ignored: walk.ignored, duplicates: [...groups.values()], droppedIdentities };
  const summary = await persistDataset(
    deps,
    { name: req.name, kind: 'imported', source: req.dir, size: req.size, channels, seed: req.seed, evalFraction: req.evalFraction, generator: null, identityNames: kept, images, report },
    ctx,
  );
  return { ...summary, skipped: report.skipped, ignored: report.ignored, duplicates: report.duplicates.reduce((n, g) => n + g.length - 1, 0), droppedIdentities };
}
