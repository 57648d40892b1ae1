/**
 * The white-box attack's helper thread [ours] (tfjs-wasm is single-threaded in Node): it rebuilds
 * the target, the public faces and the face prior from the leader's arrays, then computes what the
 * leader hands it (half of the teacher's outputs, one student, the second half of every GMI chunk).
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'node:worker_threads';
import { selectBackend } from '../../backend/select-backend.ts';
import { createFaceModel } from '../../train/face-model.ts';
import type { TrainData } from '../../train/data.ts';
import { GAN_SIZE } from '../gan/nets.ts';
import { ganParams } from '../gan/train-gan.ts';
import { distilStudent, ensembleTarget, newStudent, studentTarget, teacherLogits } from './distil.ts';
import { invertJobs, type Prior, type WhiteboxTarget } from './gmi.ts';
import { paramArrays, restoreArrays, type FromWhiteboxHelper, type HelperSpec, type PriorSpec, type ToWhiteboxHelper } from './helper-protocol.ts';
import { whiteboxTarget } from './target.ts';

const port = parentPort!;
let spec: HelperSpec;
let teacher: WhiteboxTarget;
let attacked: WhiteboxTarget;
let prior: Prior;

function buildPrior(p: PriorSpec): Prior {
  if (p.kind === 'gan') {
    const params = ganParams(p.gan, 0);
    restoreArrays(params, p.params);
    return { params, gan: p.gan };
  }
  const d = GAN_SIZE * GAN_SIZE * p.channels;
  return { linear: { latent: p.latent, channels: p.channels, mean: tf.tensor1d(p.mean), basis: tf.tensor2d(p.basis, [p.latent, d]) } };
}

async function init(s: HelperSpec): Promise<FromWhiteboxHelper> {
  await selectBackend(s.backend);
  spec = s;
  const { config, frontEnd, params } = s.model;
  const empty: TrainData = { pixels: new Uint8Array(0), size: config.input.size, channels: config.input.channels, train: [], heldout: [], classes: config.input.classes };
  const model = createFaceModel(config, empty, frontEnd);
  restoreArrays(model.params, params);
  teacher = whiteboxTarget(model);
  attacked = teacher;
  prior = buildPrior(s.prior);
  return { type: 'ready' };
}

const tick = async (): Promise<void> => port.postMessage({ type: 'tick' } satisfies FromWhiteboxHelper);

async function handle(msg: ToWhiteboxHelper): Promise<FromWhiteboxHelper> {
  switch (msg.type) {
    case 'init':
      return init(msg.spec);
    case 'teacher':
      return { type: 'logits', values: await teacherLogits(teacher, spec.faces, 64, msg.flips) };
    case 'distil': {
      const s = await distilStudent(teacher, spec.faces, msg.cfg, msg.index, { tick, cached: msg.cached ?? undefined });
      const out: FromWhiteboxHelper = { type: 'student', params: paramArrays(s!.params), curve: s!.curve };
      s!.params.dispose();
      return out;
    }
    case 'students': {
      const students = msg.students.map((m) => {
        const s = newStudent(msg.cfg, m.index, spec.faces.channels, teacher.classes);
        restoreArrays(s.params, m.params);
        return studentTarget(s, teacher.classes, teacher.size);
      });
      attacked = ensembleTarget([teacher, ...students]);
      return { type: 'ready' };
    }
    case 'invert': {
      const results = await invertJobs(prior, attacked, msg.jobs, msg.cfg, { tick });
      return { type: 'inverted', results: results! };
    }
  }
}

port.on('message', (msg: ToWhiteboxHelper) => {
  handle(msg)
    .then((reply) => port.postMessage(reply))
    .catch((err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message } satisfies FromWhiteboxHelper));
});
