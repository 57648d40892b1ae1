/**
 * `attacks.samples`: an attack's recorded sample grids as data URLs for the renderer (which never
 * sees file paths), with each target class's identity name. Only files the attack recorded are read.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/contract/errors.ts';
import { privateClasses } from '../../jobs/train-data.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function attackSampleHandlers(b: Backend): Pick<Handlers, 'attacks.samples'> {
  return {
    'attacks.samples': async (req) => {
      const attack = b.store.attacks.detail(req.attack);
      const run = b.store.runs.resolve(attack.runId);
      const { labels } = privateClasses(b.store.datasets.images(run.datasetId));
      const names = new Map(b.store.datasets.detail(run.datasetId).identityList.map((i) => [i.label, i.name]));
      const wanted = attack.samples.filter((s) => req.label === undefined || s.label === req.label);
      const samples = await Promise.all(
        wanted.map(async (s) => {
          const png = await readFile(s.path).catch(() => {
            throw new AppError('NOT_FOUND', `The sample image of attack ${attack.id} is missing (${s.path}). Run the attack again.`);
          });
          return { label: s.label, identity: s.label < 0 ? null : (names.get(labels[s.label]) ?? null), kind: s.kind, image: `data:image/png;base64,${png.toString('base64')}` };
        }),
      );
      return { samples };
    },
  };
}
