/**
 * Model augmentation for the white-box attack (LOMMA, Nguyen et al. CVPR 2023, section 4.2):
 * surrogate students distilled from the target on the attacker's public faces only (knowledge
 * distillation, Hinton et al. 2015: tau^2 times the cross-entropy of the softened outputs, i.e. tau^2 *
 * (KL + the teacher's entropy): the same gradients as tau^2 * KL, but the recorded value cannot fall
 * below tau^2 times the teacher's soft-target entropy, so it is not near 0 when done), attacked together with the
 * target so that candidates carry what transfers beyond the one model. Our own code; the students
 * are small pixel-stem FR networks with the target's cosine head form, in [ours] sizes for the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import { frNetForward, frNetParams, type FrNetConfig } from '../../models/fr-net.ts';
import { headLogits, headParams, type HeadConfig } from '../../models/heads.ts';
import { applyStatUpdates, type Ctx } from '../../models/layers.ts';
import type { Params } from '../../models/params.ts';
import type { WhiteboxTarget } from './gmi.ts';

export interface DistilConfig {
  /** number of students (0: attack the target alone) */
  students: number;
  /** residual stage widths of every student [ours: narrower than the target, a different architecture] */
  widths: number[];
  steps: number;
  batch: number;
  lr: number;
  /** softmax temperature of the distillation (Hinton et al.: soft targets) */
  temperature: number;
  seed: number;
}

export interface Student {
  net: FrNetConfig;
  head: HeadConfig;
  params: Params;
  /** distillation loss (DISTIL_LOSS: tau^2 x soft cross-entropy, not KL) per 25 steps (mean over the window) */
  curve: number[];
}

/** A student as a white-box target (inference mode; differentiable in the pixels). */
export function studentTarget(s: Student, classes: number, size: number): WhiteboxTarget {
  const ctx: Ctx = { params: s.params, training: false };
  return { classes, size, logits: (px) => headLogits(ctx, s.head, frNetForward(ctx, s.net, px.sub(127.5).div(128) as tf.Tensor4D)) };
}

/** The ensemble the attack optimises against: the members' logits averaged (LOMMA: the identity loss over target and students). */
export function ensembleTarget(members: WhiteboxTarget[]): WhiteboxTarget {
  if (members.length === 1) return members[0];
  const [{ classes, size }] = members;
  return { classes, size, logits: (px) => tf.tidy(() => tf.addN(members.map((m) => m.logits(px))).div(members.length) as tf.Tensor2D) };
}

/** What a student's recorded loss (`Student.curve`, the attack's `students.finalLoss`) is. */
export const DISTIL_LOSS = "tau^2 x cross-entropy of the teacher's softmax at temperature tau against the student's log-softmax at tau (= tau^2 x (KL + teacher entropy); its floor is tau^2 x the teacher's entropy, not 0)";

type Faces = { pixels: Uint8Array; count: number; size: number; channels: 1 | 3 };

/** Rows and mirror flags of a random batch of `b` public faces (each mirrored with probability 1/2). */
function drawBatch(faces: Faces, b: number, rng: Rng): { rows: number[]; flips: boolean[] } {
  const rows = Array.from({ length: b }, () => rng.int(faces.count));
  return { rows, flips: rows.map(() => rng.next() < 0.5) };
}

/** The faces of `rows` `[b, S, S, C]` (0..255), mirrored where `flips` says. */
function batchPixels(faces: Faces, rows: number[], flips: boolean[]): tf.Tensor4D {
  const per = faces.size * faces.size * faces.channels;
  const b = rows.length;
  return tf.tidy(() => {
    const buf = new Float32Array(b * per);
    rows.forEach((r, i) => buf.set(faces.pixels.subarray(r * per, (r + 1) * per), i * per));
    const x = tf.tensor4d(buf, [b, faces.size, faces.size, faces.channels]);
    const mirrored = tf.reverse(x, 2);
    const mask = tf.tensor4d(flips.map((f) => (f ? 1 : 0)), [b, 1, 1, 1]);
    return x.mul(tf.sub(1, mask)).add(mirrored.mul(mask)) as tf.Tensor4D;
  });
}

/**
 * The teacher's logits of every public face and of its mirror image, `[2 * count, classes]` (row
 * `count + r` is face r mirrored; `flips` computes one of the two halves) [ours]: the teacher is fixed and in inference mode, so its outputs
 * can be computed once instead of once per drawn batch (cheaper whenever the students draw more
 * faces than twice the public set: a pretrained target's forward pass is the dearer part).
 */
export async function teacherLogits(teacher: WhiteboxTarget, faces: Faces, chunk = 64, flips: readonly boolean[] = [false, true]): Promise<Float32Array> {
  const out = new Float32Array(flips.length * faces.count * teacher.classes);
  for (const [f, flip] of flips.entries()) {
    for (let i = 0; i < faces.count; i += chunk) {
      const rows = Array.from({ length: Math.min(chunk, faces.count - i) }, (_, k) => i + k);
      const l = tf.tidy(() => teacher.logits(batchPixels(faces, rows, rows.map(() => flip))));
      out.set((await l.data()) as Float32Array, (f * faces.count + i) * teacher.classes);
      l.dispose();
    }
  }
  return out;
}

/** The teacher's logits of a drawn batch: from `cached` (teacherLogits) when given, else computed now. */
function batchTeacher(teacher: WhiteboxTarget, faces: Faces, x: tf.Tensor4D, draw: { rows: number[]; flips: boolean[] }, cached?: Float32Array): tf.Tensor2D {
  if (!cached) return teacher.logits(x);
  const c = teacher.classes;
  const buf = new Float32Array(draw.rows.length * c);
  draw.rows.forEach((r, i) => {
    const row = (draw.flips[i] ? faces.count : 0) + r;
    buf.set(cached.subarray(row * c, (row + 1) * c), i * c);
  });
  return tf.tensor2d(buf, [draw.rows.length, c]);
}

/** Distils student `index` from `teacher` on the public faces (teacher outputs from `hooks.cached` when given); null when stopped. */
/** Student `index` as initialised (seeded), before distillation. */
export function newStudent(cfg: DistilConfig, index: number, channels: 1 | 3, classes: number): Student {
  const net: FrNetConfig = { inputChannels: channels, stem: 'pixels', widths: cfg.widths, blocks: 1 + (index % 2), embedding: 128 };
  const head: HeadConfig = { kind: 'cosface', scale: 32, margin: 0 };
  const params = frNetParams(net, hashSeed(cfg.seed, index, 0xd15));
  headParams(params, head, net.embedding, classes);
  return { net, head, params, curve: [] };
}

export async function distilStudent(teacher: WhiteboxTarget, faces: Faces, cfg: DistilConfig, index: number, hooks: { shouldStop?: () => boolean; tick?: () => Promise<void>; cached?: Float32Array } = {}): Promise<Student | null> {
  const student = newStudent(cfg, index, faces.channels, teacher.classes);
  const { net, head, params } = student;
  const opt = tf.train.adam(cfg.lr);
  const rng = new Rng(hashSeed(cfg.seed, index, 0x57d));
  const tau = cfg.temperature;
  let window = tf.scalar(0);
  let finished = false;
  try {
    for (let step = 0; step < cfg.steps; step++) {
      if (hooks.shouldStop?.()) return null;
      const ctx: Ctx = { params, training: true, statUpdates: [] };
      const loss: tf.Scalar = tf.tidy(() => {
        const draw = drawBatch(faces, cfg.batch, rng);
        const x = batchPixels(faces, draw.rows, draw.flips);
        const soft = tf.softmax(batchTeacher(teacher, faces, x, draw, hooks.cached).div(tau));
        const { value, grads } = tf.variableGrads(() => {
          const logp = tf.logSoftmax(headLogits(ctx, head, frNetForward(ctx, net, x.sub(127.5).div(128) as tf.Tensor4D)).div(tau));
          return soft.mul(logp).sum(1).mean().neg().mul(tau * tau) as tf.Scalar;
        }, params.trainable());
        opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
        return value;
      });
      applyStatUpdates(ctx);
      const next: tf.Scalar = window.add(loss);
      tf.dispose([window, loss]);
      window = next;
      if ((step + 1) % 25 === 0 || step + 1 === cfg.steps) {
        student.curve.push((await window.data())[0] / ((step % 25) + 1));
        window.dispose();
        window = tf.scalar(0);
      }
      await hooks.tick?.();
    }
    finished = true;
    return student;
  } finally {
    window.dispose();
    opt.dispose();
    if (!finished) params.dispose();
  }
}

export function disposeStudents(students: Student[]): void {
  for (const s of students) s.params.dispose();
}
