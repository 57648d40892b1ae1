import { beforeAll, describe, expect, it } from 'vitest';
import { disposeLinearPrior, fitLinearPrior } from '../../../../../src/main/engine/attacks/gan/linear-prior.ts';
import { disposeStudents, distilStudent, ensembleTarget, studentTarget, teacherLogits, type DistilConfig } from '../../../../../src/main/engine/attacks/whitebox/distil.ts';
import { invertWhitebox, type WhiteboxConfig } from '../../../../../src/main/engine/attacks/whitebox/gmi.ts';
import { WhiteboxHelper } from '../../../../../src/main/engine/attacks/whitebox/helper.ts';
import { whiteboxTarget } from '../../../../../src/main/engine/attacks/whitebox/target.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { resolveConfig } from '../../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel } from '../../../../../src/main/engine/train/face-model.ts';
import { synthTrainData } from '../../../../helpers/train-data.ts';

const distil: DistilConfig = { students: 2, widths: [8, 16], steps: 6, batch: 8, lr: 3e-3, temperature: 4, seed: 3 };
const gmi: WhiteboxConfig = { restarts: 3, steps: 6, lr: 0.1, lambda: 100, loss: 'logit', keep: 2, chunk: 5, pool: 16, maxZoom: 0.1, seed: 2 };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('the white-box attack on two threads', () => {
  beforeAll(() => selectBackend('wasm'));

  it('computes the same teacher outputs, student and candidates in its helper thread as on one thread, and leaks nothing', async () => {
    const data = synthTrainData(3, 4, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), data);
    const faces = { pixels: data.pixels, count: 12, size: 32, channels: 1 as const, labels: data.train.map((t) => t.label) };
    const images = tf.tidy(() => tf.tensor4d(Float32Array.from(data.pixels), [12, 32, 32, 1]).div(127.5).sub(1).resizeBilinear([64, 64]) as tf.Tensor4D);
    const linear = await fitLinearPrior(images, 6, 1);
    images.dispose();
    const before = tf.memory().numTensors;
    const helper = await WhiteboxHelper.start(model, faces, { linear });
    const teacher = whiteboxTarget(model);
    const cached = await teacherLogits(teacher, faces);
    const mirrored = await helper.teacher([true]);
    expect(maxDiff(mirrored, cached.subarray(cached.length / 2))).toBe(0);

    let ticks = 0;
    const s0 = await distilStudent(teacher, faces, distil, 0, { cached });
    const s1 = await distilStudent(teacher, faces, distil, 1, { cached });
    const h1 = await helper.distil(distil, 1, 3, 1, cached, async () => void ticks++);
    expect(ticks).toBe(distil.steps);
    for (const [name, v] of s1!.params.vars) expect(maxDiff(await v.data(), await h1.params.get(name).data()), name).toBe(0);

    await helper.useStudents(distil, [s0!, h1]);
    const ensemble = ensembleTarget([teacher, ...[s0!, h1].map((s) => studentTarget(s, 3, 32))]);
    const one = await invertWhitebox({ linear }, ensemble, [0, 1, 2], gmi);
    const done: number[] = [];
    const two = await invertWhitebox({ linear }, ensemble, [0, 1, 2], gmi, { helper, onProgress: (d, t) => void done.push(t - d) });
    // 9 latents in chunks of 5: two chunks, each cut into halves (3 + 2, 2 + 2), every step ticked
    expect(done.at(-1)).toBe(0);
    expect(done.length).toBe(4 * gmi.steps);
    for (const [i, c] of two!.entries()) {
      expect(c.identity).toBe(one![i].identity);
      // bit for bit: every latent's computation is independent of the others in its chunk
      expect(maxDiff(c.confidence, one![i].confidence)).toBe(0);
      expect(maxDiff(c.pixels, one![i].pixels)).toBe(0);
    }
    await helper.close();
    disposeStudents([s0!, s1!, h1]);
    expect(tf.memory().numTensors).toBe(before);
    disposeLinearPrior(linear);
    disposeFaceModel(model);
  });
});
