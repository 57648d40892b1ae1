/**
 * The engine worker (a worker thread): picks the backend, builds or restores the face model, runs
 * the trainer, saves checkpoints, evaluates, and reports through the typed protocol. It owns no
 * store access; the jobs layer records what it reports.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/contract/errors.ts';
import { runAttack } from './attacks/attack-entry.ts';
import { labPreview } from './lab/lab-service.ts';
import { exportSession } from './export/export-session.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { trainSession } from './train/session.ts';

const port = parentPort!;
let cancelled = false;
const post = (msg: FromWorker): void => port.postMessage(msg);

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
    msg.type === 'train' ? trainSession(msg.request, post, () => cancelled) : msg.type === 'attack' ? runAttack(msg.request, post, () => cancelled) : exportSession(msg.request, post);
  work.catch((err: unknown) => post({ type: 'error', error: toErrorInfo(err) }));
});
