/**
 * Handlers for `datasets.*`: list, show, page through images, create synthetic, import, delete.
 * Long work runs as jobs (progress events); the call resolves when the job ends.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { thumbDataUrl } from '../../data/cache/thumbnails.ts';
import { importDataset } from '../../jobs/import-job.ts';
import { synthDataset } from '../../jobs/dataset-jobs.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

type DatasetHandlers = Pick<
  Handlers,
  'datasets.list' | 'datasets.show' | 'datasets.images' | 'datasets.synth' | 'datasets.import' | 'datasets.delete'
>;

export function datasetHandlers(b: Backend): DatasetHandlers {
  const deps = { store: b.store, dataDir: b.dataDir };
  return {
    'datasets.list': () => ({ datasets: b.store.datasets.list() }),
    'datasets.show': (req) => b.store.datasets.detail(req.dataset),
    'datasets.images': (req) => {
      const ds = b.store.datasets.resolve(req.dataset);
      const rows = b.store.datasets.page(ds.id, req.offset, req.limit, req.label);
      return {
        total: req.label === undefined ? ds.images : b.store.datasets.countLabel(ds.id, req.label),
        images: rows.map((r) => ({ id: r.id, identity: r.identity, label: r.label, split: r.split, thumb: thumbDataUrl(r.thumb) })),
      };
    },
    'datasets.synth': async (req, ctx) => {
      const ds = await b.jobs.run('datasets.synth', `Generating ${req.name}`, (job) => synthDataset(deps, req, job), ctx.signal);
      b.bus.emit('datasets.changed', { datasetId: ds.id });
      return ds;
    },
    'datasets.import': async (req, ctx) => {
      const ds = await b.jobs.run('datasets.import', `Importing ${req.name}`, (job) => importDataset(deps, req, job), ctx.signal);
      b.bus.emit('datasets.changed', { datasetId: ds.id });
      return ds;
    },
    'datasets.delete': async (req) => {
      const ds = b.store.datasets.resolve(req.dataset);
      b.store.datasets.delete(ds.id);
      await rm(join(b.dataDir, 'datasets', ds.id), { recursive: true, force: true });
      b.bus.emit('datasets.changed', { datasetId: ds.id });
      return { deleted: ds.id };
    },
  };
}
