/**
 * How well the white-box attack's students (LOMMA model augmentation, whitebox/distil.ts) learn
 * their target, on public faces only: `node bench/whitebox-students.ts --data-dir DIR --run R
 * --public D [--temperatures 4,1] [--steps 400] [--student 0]`. The public identities with
 * label % 10 == 9 are held back; a student is distilled on the others (as the attack's preset
 * does, per temperature) and the bench prints the teacher's soft-target entropy (the floor of the
 * recorded loss, tau^2 * CE), the final loss, and the student-teacher top-1 agreement on the held-back
 * faces (and of an untrained student). No private image is read: a diagnostic to choose on.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ATTACK_PRESETS } from '../src/main/engine/attacks/gan/profiles.ts';
import { distilStudent, newStudent, studentTarget, teacherLogits, type Student } from '../src/main/engine/attacks/whitebox/distil.ts';
import type { WhiteboxTarget } from '../src/main/engine/attacks/whitebox/gmi.ts';
import { whiteboxTarget } from '../src/main/engine/attacks/whitebox/target.ts';
import { selectBackend, tf } from '../src/main/engine/backend/select-backend.ts';
import { openBenchTarget } from './attack-target.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    run: { type: 'string' },
    public: { type: 'string' },
    temperatures: { type: 'string', default: '4' },
    steps: { type: 'string' },
    student: { type: 'string', default: '0' },
  },
});
const dataDir = resolve(values['data-dir'] ?? '.');
await selectBackend('wasm');
const { run, model, size, channels, classes, pubDs, rows, cache, per } = await openBenchTarget(dataDir, values.run!, values.public);
const subset = (keep: (label: number) => boolean): { pixels: Uint8Array; count: number; size: number; channels: 1 | 3 } => {
  const picked = rows.filter((r) => keep(r.label));
  const pixels = new Uint8Array(picked.length * per);
  picked.forEach((r, i) => pixels.set(cache.subarray(r.cacheIndex * per, (r.cacheIndex + 1) * per), i * per));
  return { pixels, count: picked.length, size, channels };
};
const train = subset((l) => l % 10 !== 9);
const held = subset((l) => l % 10 === 9);
const teacher = whiteboxTarget(model);
const t0 = performance.now();
const cached = await teacherLogits(teacher, train);
const teacherSeconds = (performance.now() - t0) / 1000;

/** Mean entropy (nats) of the teacher's softmax at `tau` over the training faces and mirrors. */
function teacherEntropy(tau: number): number {
  return tf.tidy(() => {
    const p = tf.logSoftmax(tf.tensor2d(cached, [cached.length / classes, classes]).div(tau));
    return p.exp().mul(p).sum(1).mean().neg().dataSync()[0];
  });
}

/** Top-1 of `a` equals top-1 of `b` on the held-back faces (fraction), in chunks of 64. */
async function agreement(a: WhiteboxTarget, b: WhiteboxTarget): Promise<number> {
  let same = 0;
  for (let i = 0; i < held.count; i += 64) {
    const n = Math.min(64, held.count - i);
    const eq = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(held.pixels.subarray(i * per, (i + n) * per)), [n, size, size, channels]);
      return tf.equal(a.logits(x).argMax(1), b.logits(x).argMax(1)).sum();
    });
    same += (await eq.data())[0];
    eq.dispose();
  }
  return same / held.count;
}

const index = Number(values.student);
const base = { ...ATTACK_PRESETS.standard.distil, seed: 1, ...(values.steps ? { steps: Number(values.steps) } : {}) };
const fresh: Student = newStudent(base, index, channels, classes);
const untrained = await agreement(studentTarget(fresh, classes, size), teacher);
fresh.params.dispose();
console.error(`target ${run.name}; public ${pubDs.name}: ${train.count} faces to distil on, ${held.count} held back; teacher outputs ${teacherSeconds.toFixed(0)} s; untrained student agreement ${untrained.toFixed(3)}`);
for (const tau of values.temperatures.split(',').map(Number)) {
  const t1 = performance.now();
  const s = (await distilStudent(teacher, train, { ...base, temperature: tau }, index, { cached }))!;
  const seconds = (performance.now() - t1) / 1000;
  const h = teacherEntropy(tau);
  const finalLoss = s.curve.at(-1)!;
  const row = { run: run.name, public: pubDs.name, student: index, steps: base.steps, temperature: tau, seconds: +seconds.toFixed(1), teacherEntropy: +h.toFixed(3), lossFloor: +(tau * tau * h).toFixed(2), lossMax: +(tau * tau * Math.log(classes)).toFixed(2), firstLoss: +s.curve[0].toFixed(2), finalLoss: +finalLoss.toFixed(2), klFinal: +(finalLoss / (tau * tau) - h).toFixed(3), heldAgreement: +(await agreement(studentTarget(s, classes, size), teacher)).toFixed(3), untrainedAgreement: +untrained.toFixed(3), heldFaces: held.count };
  console.log(JSON.stringify(row));
  s.params.dispose();
}
