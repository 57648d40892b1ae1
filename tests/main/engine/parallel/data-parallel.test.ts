import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { DataParallel, localGradients } from '../../../../src/main/engine/parallel/data-parallel.ts';
import { benchReplica, type Item } from '../../../../src/main/engine/parallel/replica.ts';

describe('data-parallel gradients over two threads', () => {
  beforeAll(() => selectBackend('wasm'));

  it('equal the size-weighted average of the two halves computed locally, and leak nothing', async () => {
    const replica = benchReplica('probe-cnn', 10);
    const dp = await DataParallel.start({ kind: 'bench', model: 'probe-cnn', batch: 10 }, replica, 'wasm');
    const items: Item[] = Array.from({ length: 10 }, (_, row) => ({ row, label: 0 }));
    const before = tf.memory().numTensors;
    const { loss, grads } = await dp.gradients(items);
    const first = localGradients(replica, items.slice(0, 5));
    const second = localGradients(replica, items.slice(5));
    for (const name of Object.keys(grads)) {
      const expected = tf.tidy(() => first.grads[name].add(second.grads[name]).div(2));
      const err = tf.tidy(() => grads[name].sub(expected).abs().max().dataSync()[0]);
      const scale = tf.tidy(() => expected.abs().max().dataSync()[0]);
      expect(err, name).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
      expected.dispose();
    }
    expect(loss).toBeCloseTo((first.value.dataSync()[0] + second.value.dataSync()[0]) / 2, 4);
    tf.dispose([first.value, second.value, ...Object.values(first.grads), ...Object.values(second.grads), ...Object.values(grads)]);
    for (const s of replica.ctx.statUpdates ?? []) tf.dispose([s.mean, s.variance]);
    replica.ctx.statUpdates!.length = 0;
    expect(tf.memory().numTensors).toBe(before);
    await dp.close();
    replica.dispose();
  });

  it('sees the leader\'s parameter updates after publish', async () => {
    const replica = benchReplica('probe-cnn', 8);
    const dp = await DataParallel.start({ kind: 'bench', model: 'probe-cnn', batch: 8 }, replica, 'wasm');
    const items: Item[] = Array.from({ length: 8 }, (_, row) => ({ row, label: 0 }));
    const g1 = await dp.gradients(items);
    const opt = tf.train.sgd(0.5);
    opt.applyGradients(g1.grads as Parameters<typeof opt.applyGradients>[0]);
    dp.publish();
    const g2 = await dp.gradients(items);
    const local = localGradients(replica, items.slice(4));
    const name = Object.keys(g2.grads)[0];
    const fromHelper = tf.tidy(() => g2.grads[name].mul(2).sub(localGradients(replica, items.slice(0, 4)).grads[name]));
    const err = tf.tidy(() => fromHelper.sub(local.grads[name]).abs().max().dataSync()[0]);
    expect(err).toBeLessThan(1e-4);
    tf.dispose([fromHelper, local.value, ...Object.values(local.grads), ...Object.values(g1.grads), ...Object.values(g2.grads)]);
    opt.dispose();
    await dp.close();
    replica.dispose();
  });
});
