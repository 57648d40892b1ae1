/**
 * Handlers for `lab.*`: the Defence Lab's pictures for one dataset image, computed by the lab's
 * long-lived engine worker. This side picks the rows: the image, its candidate mixing partners
 * (other training images, seeded) and the training rows the energy selection is measured on.
 */
import { join } from 'node:path';
import { AppError } from '../../../shared/contract/errors.ts';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import { LAB_KS } from '../../engine/lab/preview.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

/** at most this many training images are used to rank channels by energy [ours: enough for a stable ranking] */
const ENERGY_SAMPLE = 256;

function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

export function labHandlers(b: Backend): Pick<Handlers, 'lab.preview'> {
  return {
    'lab.preview': async (req) => {
      const ds = b.store.datasets.resolve(req.dataset);
      const rows = b.store.datasets.images(ds.id);
      const train = rows.filter((r) => r.split === 'train');
      const anchor = req.image === undefined ? train[0] : rows.find((r) => r.id === req.image);
      if (!anchor) throw new AppError('NOT_FOUND', `Dataset "${ds.name}" has no image ${req.image}. Pick one from its image grid.`);
      const others = new Rng(hashSeed(req.seed, anchor.id)).shuffle(train.filter((r) => r.id !== anchor.id));
      const partners = others.slice(0, Math.max(...LAB_KS) - 1);
      if (partners.length < Math.max(...LAB_KS) - 1) throw new AppError('VALIDATION', `Dataset "${ds.name}" has too few training images to mix 6 of them. Use a larger dataset.`);
      let checkpointDir: string | null = null;
      let selection: { source: 'dataset'; trainImages: number } | { source: 'run'; runId: string; learned: boolean } = { source: 'dataset', trainImages: Math.min(train.length, ENERGY_SAMPLE) };
      if (req.run) {
        const run = b.store.runs.resolve(req.run);
        if (run.datasetId !== ds.id) throw new AppError('VALIDATION', `Run "${run.name}" was trained on another dataset. Pick a run of "${ds.name}".`);
        if (run.defense === 'none' || b.store.runs.checkpoint(run.id) === null) {
          throw new AppError('UNSUPPORTED', `Run "${run.name}" has no frequency front end to show (${run.defense === 'none' ? 'it is undefended' : 'it has no checkpoint yet'}). Pick a defended run, or select channels by energy.`);
        }
        checkpointDir = join(b.dataDir, 'runs', run.id, 'checkpoint');
        const learned = (run.config as { defence?: { channelSelection?: string } } | null)?.defence?.channelSelection === 'learned';
        selection = { source: 'run', runId: run.id, learned };
      }
      const picked = [anchor, ...partners];
      const started = performance.now();
      const out = await b.lab.preview({
        cacheFile: join(b.dataDir, ds.cacheFile),
        count: ds.images,
        size: ds.size,
        channels: ds.channels,
        rows: picked.map((r) => r.cacheIndex),
        energyRows: spread(train, ENERGY_SAMPLE).map((r) => r.cacheIndex),
        checkpointDir,
        keep: req.keep,
        seed: req.seed,
      });
      const names = new Map(b.store.datasets.detail(ds.id).identityList.map((i) => [i.label, i.name]));
      const id = (pos: number): number => picked[pos].id;
      const mixes = out.mixes.map((m) => ({ ...m, sources: m.sources.map(id) }));
      return {
        imageId: anchor.id,
        identity: names.get(anchor.label) ?? String(anchor.label),
        selection,
        keep: out.keep,
        planes: ds.channels,
        original: out.original,
        channels: out.channels,
        masked: out.masked,
        maskedGain: out.maskedGain,
        mixes: [...mixes.filter((m) => m.k === req.k), ...mixes.filter((m) => m.k !== req.k)],
        sources: picked.map((r, i) => ({ id: r.id, identity: names.get(r.label) ?? String(r.label), picture: out.sources[i] })),
        millis: Math.round(performance.now() - started),
      };
    },
  };
}
