/**
 * The engine worker (a worker thread): picks the backend, builds or restores the face model, runs
 * the trainer, saves checkpoints, evaluates, and reports through the typed protocol. It owns no
 * store access; the jobs layer records what it reports.
 */
import { parentPort } from 'node:worker_threads';
import { AppError, toErrorInfo } from '../../shared/contract/errors.ts';
import { readPixelCache } from '../data/cache/pixel-cache.ts';
import { selectBackend } from './backend/select-backend.ts';
import { runAttack } from './attacks/attack-entry.ts';
import { labPreview } from './lab/lab-service.ts';
import { writeMaskedSet } from './export/masked-export.ts';
import type { ExportRequest, FromWorker, ToWorker } from './protocol.ts';
import { loadCheckpoint } from './train/checkpoint.ts';
import { trainSession } from './train/session.ts';

const port = parentPort!;
let cancelled = false;
const post = (msg: FromWorker): void => port.postMessage(msg);

async function exportSet(req: ExportRequest): Promise<void> {
  await selectBackend();
  const checkpoint = await loadCheckpoint(req.checkpointDir);
  const frontEnd = checkpoint.manifest.frontEnd;
  if (!frontEnd) throw new AppError('UNSUPPORTED', 'This run has no frequency front end (it is undefended): there is nothing masked to export.');
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.size, channels: req.channels });
  const data = { pixels, size: req.size, channels: req.channels, train: [], heldout: [], classes: 0 };
  const output = await writeMaskedSet(req.outDir, req.format, data, req.items, frontEnd, (done, total) => post({ type: 'export-progress', done, total }));
  post({ type: 'exported', output, frontEnd });
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (msg.type === 'lab') {
    const { id } = msg;
    labPreview(msg.request).then(
      (output) => post({ type: 'lab-result', id, output }),
      (err: unknown) => post({ type: 'lab-error', id, error: toErrorInfo(err) }),
    );
    return;
  }
  const work =
    msg.type === 'train' ? trainSession(msg.request, post, () => cancelled) : msg.type === 'attack' ? runAttack(msg.request, post, () => cancelled) : exportSet(msg.request);
  work.catch((err: unknown) => post({ type: 'error', error: toErrorInfo(err) }));
});
