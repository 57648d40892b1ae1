import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIFF_AUGMENT } from '../../../../../src/main/engine/attacks/gan/augment.ts';
import { obtainPrior, pixelDigest, priorKey } from '../../../../../src/main/engine/attacks/gan/prior-cache.ts';
import { disposeGanTraining, type GanTrainConfig } from '../../../../../src/main/engine/attacks/gan/train-gan.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { tempDir } from '../../../../helpers/temp.ts';

const config: GanTrainConfig = { gan: { latent: 8, width: 2, channels: 1, classes: 0 }, steps: 4, batch: 4, lr: 2e-3, beta1: 0.5, augment: DIFF_AUGMENT, seed: 2 };
const pixels = Uint8Array.from({ length: 6 * 32 * 32 }, (_, i) => (i * 37) % 256);
const pub = { pixels, count: 6, size: 32, channels: 1 as const };
const source = { name: 'orl public', digest: pixelDigest(pixels) };

describe('the GAN prior cache', () => {
  beforeAll(() => selectBackend('wasm'));

  it('keys priors by source and config', () => {
    expect(priorKey(source, config)).toBe(priorKey({ ...source }, { ...config }));
    expect(priorKey(source, config)).not.toBe(priorKey({ ...source, digest: 'x' }, config));
    expect(priorKey(source, config)).not.toBe(priorKey(source, { ...config, steps: 5 }));
    expect(priorKey(source, config)).toMatch(/^orl_public-[0-9a-f]{16}$/);
  });

  it('trains once, resumes a stopped prior, then reuses the finished one', async () => {
    const root = tempDir();
    const before = tf.memory().numTensors;
    let steps = 0;
    const stopped = await obtainPrior(root, source, pub, config, { saveEvery: 1, onProgress: (s) => (steps = s), shouldStop: () => steps >= 2 });
    expect(stopped).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    const resumed = await obtainPrior(root, source, pub, config, { onProgress: (s) => (steps = s) });
    expect(resumed!.reused).toBe(false);
    expect(resumed!.training.step).toBe(4);
    expect(existsSync(join(resumed!.dir, 'samples.png'))).toBe(true);
    disposeGanTraining(resumed!.training);
    const again = await obtainPrior(root, source, pub, config);
    expect(again!.reused).toBe(true);
    expect(again!.manifest!.curves.at(-1)!.step).toBe(4);
    disposeGanTraining(again!.training);
    expect(tf.memory().numTensors).toBe(before);
  });
});
