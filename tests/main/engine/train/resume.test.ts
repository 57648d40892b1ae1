/**
 * Mid-epoch cancel and resume, as the engine worker runs it (trainSession: checkpoint, restore,
 * data-parallel helper): on one and on two threads, a run stopped in the middle of an epoch and
 * resumed ends with the parameters, epoch losses and held-out accuracy of the run left alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePixelCache } from '../../../../src/main/data/cache/pixel-cache.ts';
import { selectBackend } from '../../../../src/main/engine/backend/select-backend.ts';
import type { FromWorker, TrainRequest } from '../../../../src/main/engine/protocol.ts';
import { loadCheckpoint } from '../../../../src/main/engine/train/checkpoint.ts';
import { trainSession } from '../../../../src/main/engine/train/session.ts';
import { tempDir } from '../../../helpers/temp.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';

/** The tolerance the README states for a resumed run: none (bit for bit, same machine and backend). */
const RESUME_TOLERANCE = 0;

// 10 identities x 8 training images: the quick profile's batch of 32 makes 3 steps an epoch (32, 32, 16).
const data = synthTrainData(10, 10, 32);
const dir = tempDir();
const cacheFile = join(dir, 'pixels.u8');
const rows = Array.from({ length: data.pixels.length / (32 * 32) }, (_, i) => data.pixels.subarray(i * 1024, (i + 1) * 1024));

function request(name: string, workers: number, resume = false): TrainRequest {
  const { pixels: _, ...split } = data;
  return { cacheFile, count: rows.length, data: split, checkpointDir: join(dir, name), resume, defense: 'ppfr-fd', profile: 'quick', seed: 4, epochs: 3, backend: 'wasm', workers };
}

/** Runs a session to its end, or until `stopAfter` steps have run; returns its messages. */
async function session(req: TrainRequest, stopAfter = Infinity): Promise<FromWorker[]> {
  const messages: FromWorker[] = [];
  let steps = 0;
  await trainSession(req, (m) => {
    messages.push(m);
    if (m.type === 'step') steps++;
  }, () => steps >= stopAfter);
  return messages;
}

const epochs = (ms: FromWorker[]) => ms.flatMap((m) => (m.type === 'epoch' ? [m.info] : []));
const done = (ms: FromWorker[]) => ms.find((m) => m.type === 'done') as Extract<FromWorker, { type: 'done' }>;

function weights(name: string): Float32Array {
  const buf = readFileSync(join(dir, name, 'weights.bin'));
  return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
}

describe('mid-epoch cancel and resume', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    await writePixelCache(cacheFile, rows, { size: 32, channels: 1 });
  });

  it.each([1, 2])('on %i thread(s) equals the uninterrupted run', async (workers) => {
    const straight = await session(request(`straight-${workers}`, workers));
    // 8 steps: the stop comes before step 2 of epoch 2 (3 steps an epoch), after end-of-epoch
    // evaluations, where tfjs's running beta1^t differs from pow(beta1, t) in its last bits.
    const first = await session(request(`split-${workers}`, workers), 8);
    expect(done(first).status).toBe('cancelled');
    const ck = await loadCheckpoint(join(dir, `split-${workers}`));
    expect(ck.manifest.resume.position).toEqual({ epoch: 2, step: 2 });
    expect(ck.manifest.resume.globalStep).toBe(8);
    expect(ck.manifest.config.workers).toBe(workers);

    const second = await session(request(`split-${workers}`, workers, true));
    expect(second.find((m) => m.type === 'started')).toMatchObject({ resumedFrom: { epoch: 2, step: 2 } });
    expect(second.filter((m) => m.type === 'step').map((m) => (m as { info: { step: number } }).info.step)).toEqual([2]);
    expect(done(second).status).toBe('done');

    const a = weights(`straight-${workers}`);
    const b = weights(`split-${workers}`);
    expect(b.length).toBe(a.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    console.log(`${workers} thread(s): max |param difference| after a mid-epoch resume ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(RESUME_TOLERANCE);

    const joined = [...epochs(first), ...epochs(second)];
    const whole = epochs(straight);
    expect(joined.map((e) => e.epoch)).toEqual([0, 1, 2]);
    joined.forEach((e, i) => {
      expect(e.loss).toBe(whole[i].loss);
      expect(e.accuracy).toBe(whole[i].accuracy);
      expect(e.lr).toBe(whole[i].lr);
    });
    expect(done(second).evaluation).toEqual(done(straight).evaluation);
  });
});
