/**
 * The leader's side of the white-box helper thread [ours]: starts it with the target, the public
 * faces and the prior as arrays, and asks it for one piece of work at a time (half of the teacher's
 * outputs, a student, the second halves of the GMI chunks: `ChunkRunner`). The second core of the
 * machine does the other half of the attack; what it computes equals what the leader would.
 */
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../../../../shared/domain/run.ts';
import type { FaceModel } from '../../train/face-model.ts';
import type { PublicFaces } from '../public-data.ts';
import { newStudent, type DistilConfig, type Student } from './distil.ts';
import type { ChunkJob, ChunkResult, ChunkRunner, Prior, WhiteboxConfig } from './gmi.ts';
import { paramArrays, restoreArrays, type FromWhiteboxHelper, type PriorSpec, type ToWhiteboxHelper } from './helper-protocol.ts';

export function whiteboxHelperUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./helper-worker.ts', import.meta.url) : new URL('./whitebox-helper.js', import.meta.url);
}

function priorSpec(prior: Prior): PriorSpec {
  if ('linear' in prior) {
    const p = prior.linear;
    return { kind: 'linear', latent: p.latent, channels: p.channels, mean: Float32Array.from(p.mean.dataSync()), basis: Float32Array.from(p.basis.dataSync()) };
  }
  return { kind: 'gan', gan: prior.gan, params: paramArrays(prior.params) };
}

/** The public faces as the helper needs them (no labels: the white-box attack uses none). */
export type HelperFaces = Pick<PublicFaces, 'pixels' | 'count' | 'size' | 'channels'>;

export class WhiteboxHelper implements ChunkRunner {
  private readonly worker: Worker;
  private pending: { resolve(msg: FromWhiteboxHelper): void; reject(err: Error): void } | null = null;
  private onTick: (() => Promise<void>) | null = null;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (msg: FromWhiteboxHelper) => {
      if (msg.type === 'tick') return void this.onTick?.();
      const p = this.pending;
      this.pending = null;
      if (msg.type === 'error') p?.reject(new Error(`white-box helper: ${msg.message}`));
      else p?.resolve(msg);
    });
    worker.on('error', (err) => this.pending?.reject(err));
    worker.on('exit', (code) => this.pending?.reject(new Error(`the white-box helper thread exited (code ${code})`)));
  }

  /** Starts the helper with the attacked model, the public faces and the prior (copied to it). */
  static async start(model: FaceModel, faces: HelperFaces, prior: Prior, url: URL = whiteboxHelperUrl()): Promise<WhiteboxHelper> {
    const helper = new WhiteboxHelper(new Worker(url));
    const spec = {
      backend: tf.getBackend() as BackendName,
      model: { config: model.config, frontEnd: model.frontEnd, params: paramArrays(model.params) },
      faces: { pixels: faces.pixels, count: faces.count, size: faces.size, channels: faces.channels },
      prior: priorSpec(prior),
    };
    try {
      await helper.request({ type: 'init', spec });
    } catch (err) {
      await helper.close();
      throw err;
    }
    return helper;
  }

  private request(msg: ToWhiteboxHelper, onTick: (() => Promise<void>) | null = null): Promise<FromWhiteboxHelper> {
    if (this.pending) return Promise.reject(new Error('the white-box helper is busy'));
    this.onTick = onTick;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  /** The teacher's logits of the public faces, for each of `flips` (distil.ts `teacherLogits`). */
  async teacher(flips: boolean[]): Promise<Float32Array> {
    const r = await this.request({ type: 'teacher', flips });
    if (r.type !== 'logits') throw new Error('white-box helper answered out of turn');
    return r.values;
  }

  /** Student `index` distilled in the helper, rebuilt here. */
  async distil(cfg: DistilConfig, index: number, classes: number, channels: 1 | 3, cached: Float32Array | undefined, onTick: () => Promise<void>): Promise<Student> {
    const r = await this.request({ type: 'distil', cfg, index, cached: cached ?? null }, onTick);
    if (r.type !== 'student') throw new Error('white-box helper answered out of turn');
    const s = newStudent(cfg, index, channels, classes);
    restoreArrays(s.params, r.params);
    s.curve = r.curve;
    return s;
  }

  /** From now on the helper attacks the ensemble of the target and these students (in this order, as the leader does). */
  async useStudents(cfg: DistilConfig, students: readonly Student[]): Promise<void> {
    await this.request({ type: 'students', cfg, students: students.map((s, index) => ({ index, params: paramArrays(s.params) })) });
  }

  async invert(jobs: ChunkJob[], cfg: WhiteboxConfig, onTick: () => Promise<void>): Promise<ChunkResult[]> {
    const r = await this.request({ type: 'invert', cfg, jobs }, onTick);
    if (r.type !== 'inverted') throw new Error('white-box helper answered out of turn');
    return r.results;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }
}
