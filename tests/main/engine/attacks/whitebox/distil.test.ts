import { beforeAll, describe, expect, it } from 'vitest';
import { disposeStudents, distilStudent, ensembleTarget, studentTarget, teacherLogits, type DistilConfig } from '../../../../../src/main/engine/attacks/whitebox/distil.ts';
import { whiteboxTarget } from '../../../../../src/main/engine/attacks/whitebox/target.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { resolveConfig } from '../../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel } from '../../../../../src/main/engine/train/face-model.ts';
import { synthTrainData } from '../../../../helpers/train-data.ts';

const cfg = (steps: number): DistilConfig => ({ students: 1, widths: [8, 16], steps, batch: 8, lr: 3e-3, temperature: 4, seed: 3 });

describe('model augmentation (LOMMA students)', () => {
  beforeAll(() => selectBackend('wasm'));

  it('distils a student whose softened outputs move toward the target, without leaking tensors or touching the target', async () => {
    const data = synthTrainData(4, 4, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } }), data);
    const faces = { pixels: data.pixels, count: 16, size: 32, channels: 1 as const };
    const teacher = whiteboxTarget(model);
    const w0 = await Promise.all([...model.params.vars.values()].map((v) => v.data()));
    const before = tf.memory().numTensors;
    const student = await distilStudent(teacher, faces, cfg(50), 0);
    expect(student!.curve.length).toBe(2);
    expect(student!.curve[1]).toBeLessThan(student!.curve[0]);
    // agreement on the public faces: KL(target || student) at temperature 4, before and after
    const kl = (s: typeof student): number =>
      tf.tidy(() => {
        const x = tf.tensor4d(Float32Array.from(data.pixels), [16, 32, 32, 1]);
        const p = tf.logSoftmax(teacher.logits(x).div(4));
        const q = tf.logSoftmax(studentTarget(s!, 4, 32).logits(x).div(4));
        return p.exp().mul(p.sub(q)).sum(1).mean().dataSync()[0];
      });
    const fresh = await distilStudent(teacher, faces, cfg(0), 0);
    expect(kl(student)).toBeLessThan(kl(fresh));
    disposeStudents([student!, fresh!]);
    expect(tf.memory().numTensors).toBe(before);
    const w1 = await Promise.all([...model.params.vars.values()].map((v) => v.data()));
    expect(w1.map((a) => Array.from(a))).toEqual(w0.map((a) => Array.from(a)));
    disposeFaceModel(model);
  });

  it('stops early without leaking, and the ensemble averages its members logits', async () => {
    const data = synthTrainData(3, 3, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), data);
    const a = whiteboxTarget(model);
    const b = { ...a, logits: (px: tf.Tensor4D) => tf.tidy(() => a.logits(px).mul(3) as tf.Tensor2D) };
    const before = tf.memory().numTensors;
    let ticks = 0;
    expect(await distilStudent(a, { pixels: data.pixels, count: 9, size: 32, channels: 1 }, cfg(20), 1, { shouldStop: () => ticks >= 3, tick: async () => void ticks++ })).toBeNull();
    const x = tf.tensor4d(Float32Array.from(data.pixels.subarray(0, 2 * 32 * 32)), [2, 32, 32, 1]);
    const [twice, le] = [tf.tidy(() => a.logits(x).mul(2)), ensembleTarget([a, b]).logits(x)];
    expect(Array.from(le.dataSync())).toEqual(Array.from(twice.dataSync()).map((v) => expect.closeTo(v, 4)));
    expect(ensembleTarget([a])).toBe(a);
    tf.dispose([x, twice, le]);
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
  });

  it('distils the same student from the teacher outputs computed once per face and mirror', async () => {
    const data = synthTrainData(3, 3, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), data);
    const faces = { pixels: data.pixels, count: 9, size: 32, channels: 1 as const };
    const teacher = whiteboxTarget(model);
    const before = tf.memory().numTensors;
    const cached = await teacherLogits(teacher, faces, 4);
    // row 9 + r is face r mirrored
    const x = tf.tensor4d(Float32Array.from(data.pixels.subarray(2 * 32 * 32, 3 * 32 * 32)), [1, 32, 32, 1]);
    const [plain, mirror] = tf.tidy(() => [teacher.logits(x), teacher.logits(tf.reverse(x, 2) as tf.Tensor4D)].map((t) => Array.from(t.dataSync())));
    x.dispose();
    expect(Array.from(cached.subarray(2 * 3, 3 * 3))).toEqual(plain.map((v) => expect.closeTo(v, 4)));
    expect(Array.from(cached.subarray(11 * 3, 12 * 3))).toEqual(mirror.map((v) => expect.closeTo(v, 4)));
    const [a, b] = [await distilStudent(teacher, faces, cfg(25), 0), await distilStudent(teacher, faces, cfg(25), 0, { cached })];
    expect(b!.curve[0]).toBeCloseTo(a!.curve[0], 3);
    disposeStudents([a!, b!]);
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
  });
});
