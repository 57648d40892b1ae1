/**
 * `veil bench train`: times training steps (forward, backward, Adam) of a fixed model on a fixed
 * random batch and reports images/s and the median step time; with `workers` 2 the batch is split
 * across two threads as in data-parallel training. Warm-up steps are not counted.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../shared/domain/run.ts';
import { revectorizeWanted } from '../backend/wasm-revectorize.ts';
import { DataParallel } from '../parallel/data-parallel.ts';
import { benchReplica, type BenchModelName, type Item } from '../parallel/replica.ts';
import { optimizerStep } from '../train/step.ts';

export interface BenchResult {
  model: BenchModelName;
  backend: BackendName;
  batch: number;
  workers: number;
  imagesPerSecond: number;
  stepMsMedian: number;
  steps: number;
  /** V8 version and whether its wasm revectorizer was on (wasm speed depends on both) */
  v8: string;
  wasmRevectorize: boolean;
}

export async function benchTrain(model: BenchModelName, opts: { batch: number; seconds: number; backend: BackendName; workers: number; warmup?: number }): Promise<BenchResult> {
  const replica = benchReplica(model, opts.batch);
  const parallel = opts.workers > 1 ? await DataParallel.start({ kind: 'bench', model, batch: opts.batch }, replica, opts.backend) : null;
  const optimizer = tf.train.adam(1e-3);
  const items: Item[] = Array.from({ length: opts.batch }, (_, row) => ({ row, label: 0 }));
  const step = (): Promise<number> => optimizerStep(replica, optimizer, parallel, items);
  try {
    for (let i = 0; i < (opts.warmup ?? 3); i++) await step();
    const times: number[] = [];
    const start = performance.now();
    while (performance.now() - start < opts.seconds * 1000 || times.length < 3) {
      const t = performance.now();
      await step();
      times.push(performance.now() - t);
    }
    const total = (performance.now() - start) / 1000;
    times.sort((a, b) => a - b);
    return {
      model,
      backend: opts.backend,
      batch: opts.batch,
      workers: parallel ? 2 : 1,
      imagesPerSecond: +((times.length * opts.batch) / total).toFixed(1),
      stepMsMedian: +times[Math.floor(times.length / 2)].toFixed(1),
      steps: times.length,
      v8: process.versions.v8,
      wasmRevectorize: opts.backend === 'wasm' && revectorizeWanted(),
    };
  } finally {
    await parallel?.close();
    optimizer.dispose();
    replica.dispose();
  }
}
