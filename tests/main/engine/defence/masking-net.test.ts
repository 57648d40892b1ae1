import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { learnGates, topChannels } from '../../../../src/main/engine/defence/masking-net.ts';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';

const data = synthTrainData(4, 5, 32);
const cfg = { epochs: 1, beta: 2, batch: 8, lr: 2e-3 };

describe('the masking network (learned channel gates)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor();
  });

  it('keeps the configured number of AC channels per plane, reproducibly from the seed', async () => {
    const before = tf.memory().numTensors;
    const a = await learnGates(data, { seed: 3, cfg });
    const b = await learnGates(data, { seed: 3, cfg });
    const c = await learnGates(data, { seed: 4, cfg });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    const kept = topChannels(a, 1, 36);
    expect(kept).toHaveLength(36);
    expect(kept).not.toContain(0);
    expect(topChannels(b, 1, 36)).toEqual(kept);
    expect(topChannels([...a, ...a, ...a], 3, 10)).toHaveLength(30);
  });

  it('ranks channels by gate value, highest first', () => {
    const gates = Array.from({ length: 64 }, (_, c) => (c === 0 ? -1e9 : c % 7));
    expect(topChannels(gates, 1, 3)).toEqual([6, 13, 20]);
  });
});
