/**
 * One masked-set export as the engine worker runs it: the run's checkpoint (front end, defence,
 * trained policy), its refusals (undefended and dp-sgd runs have no masked set), and the writer.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { readPixelCache } from '../../data/cache/pixel-cache.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { defenceFromCheckpoint } from '../defence/apply.ts';
import { DEFENCE_PART } from '../defence/checkpoint-part.ts';
import type { ExportRequest, FromWorker } from '../protocol.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { writeMaskedSet } from './masked-export.ts';

export async function exportSession(req: ExportRequest, post: (msg: FromWorker) => void): Promise<void> {
  await selectBackend();
  const checkpoint = await loadCheckpoint(req.checkpointDir);
  const { config, frontEnd } = checkpoint.manifest;
  if (config.defense === 'dp-sgd') {
    throw new AppError('UNSUPPORTED', 'A dp-sgd run protects its model (clipped, noised gradients), not its data: its protection is in the model, so it has no masked training set to export. Export a run trained with a masking defence (ppfr-fd, freq-mixup, adaptive, mixup, instahide).');
  }
  if (!frontEnd && !config.defence?.mixing) throw new AppError('UNSUPPORTED', 'This run is undefended: there is nothing masked to export.');
  const part = checkpoint.parts.get(DEFENCE_PART);
  const defence = defenceFromCheckpoint({ config, frontEnd, defence: part?.values, tensors: part?.tensors ?? new Map() });
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.size, channels: req.channels });
  const data = { pixels, size: req.size, channels: req.channels, train: [], heldout: [], classes: 0 };
  try {
    const output = await writeMaskedSet(req.outDir, req.format, data, req.items, defence, (done, total) => post({ type: 'export-progress', done, total }));
    const updates = (part?.values as { state?: { policyUpdates?: number } } | undefined)?.state?.policyUpdates ?? 0;
    post({ type: 'exported', output, frontEnd, config, policyVersion: config.defence?.adaptive ? updates : null });
  } finally {
    defence.policy?.dispose();
  }
}
