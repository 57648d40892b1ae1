/**
 * Resolves an attack's public faces from the store (DESIGN.md 6): the target dataset's public
 * identities by default; `--public D`: all images of dataset D (converted to the target's size and
 * channels in the engine); a synthetic target with no `--public`: freshly rendered faces of new
 * identities (another seed), as many as asked. `publicFaces` caps the count (seeded choice).
 */
import { AppError } from '../../shared/contract/errors.ts';
import { hashSeed, Rng } from '../data/synth/random.ts';
import type { PublicRequest } from '../engine/attacks/types.ts';
import type { DatasetRecord } from '../store/repos/datasets-repo.ts';
import type { Store } from '../store/store.ts';
import { join } from 'node:path';

export const DEFAULT_PUBLIC_FACES = 4000;
const SYNTH_PER_IDENTITY = 10;

function capRows(rows: { cacheIndex: number; label: number }[], max: number, seed: number): { cacheIndex: number; label: number }[] {
  if (rows.length <= max) return rows;
  return new Rng(hashSeed(seed, 0x9ab1)).shuffle([...rows]).slice(0, max).sort((a, b) => a.cacheIndex - b.cacheIndex);
}

function fromDataset(store: Store, dataDir: string, ds: DatasetRecord, rows: { cacheIndex: number; label: number }[], name: string): PublicRequest {
  return { kind: 'dataset', cacheFile: join(dataDir, ds.cacheFile), count: ds.images, size: ds.size, channels: ds.channels, rows: rows.map((r) => r.cacheIndex), labels: rows.map((r) => r.label), name };
}

export function resolvePublic(store: Store, dataDir: string, target: DatasetRecord, opts: { public?: string; publicFaces?: number; seed: number }): PublicRequest {
  const max = opts.publicFaces ?? DEFAULT_PUBLIC_FACES;
  if (opts.public) {
    const ds = store.datasets.resolve(opts.public);
    if (ds.id === target.id) return resolvePublic(store, dataDir, target, { ...opts, public: undefined });
    const rows = capRows(store.datasets.images(ds.id), max, opts.seed);
    return fromDataset(store, dataDir, ds, rows, `dataset ${ds.name} (${rows.length} faces, converted to ${target.size}px ${target.channels === 1 ? 'grey' : 'colour'})`);
  }
  if (target.kind === 'synthetic' && opts.publicFaces !== undefined) {
    const identities = Math.ceil(max / SYNTH_PER_IDENTITY);
    return { kind: 'synthetic', seed: hashSeed(target.seed, opts.seed, 0x70b1), identities, perIdentity: SYNTH_PER_IDENTITY, name: `synthetic faces (${identities * SYNTH_PER_IDENTITY} of ${identities} new identities)` };
  }
  const rows = capRows(store.datasets.images(target.id).filter((r) => r.split === 'public'), max, opts.seed);
  if (rows.length === 0) {
    throw new AppError('VALIDATION', `Dataset "${target.name}" has no public identities for the attacker. Pass --public D with another dataset${target.kind === 'synthetic' ? ', or --public-faces N to render synthetic ones' : ''}.`);
  }
  return fromDataset(store, dataDir, target, rows, `public identities of ${target.name} (${rows.length} faces)`);
}
