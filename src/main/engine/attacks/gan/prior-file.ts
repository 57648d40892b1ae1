/**
 * A GAN prior on disk: `prior.json` (training config, step reached, curves, tensor index) and
 * `weights.bin` (float32 parameters and both Adam optimizers' slots back to back), written to a
 * temporary folder and renamed (never half a prior). A prior saved before its last step resumes.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stageDirectory } from '../../../data/fs/atomic.ts';
import type { Params } from '../../models/params.ts';
import { createGanTraining, type GanCurvePoint, type GanTraining, type GanTrainConfig } from './train-gan.ts';
import { packTensors } from '../../train/tensor-pack.ts';

export const PRIOR_FORMAT = 1;

interface Entry {
  name: string;
  kind: 'param' | 'g-opt' | 'd-opt';
  shape: number[];
  offset: number;
  length: number;
}

export interface PriorManifest {
  format: number;
  config: GanTrainConfig;
  step: number;
  finished: boolean;
  curves: GanCurvePoint[];
  tensors: Entry[];
  /** sha256 of weights.bin */
  hash: string;
}

async function optimizerEntries(params: Params, opt: tf.Optimizer, kind: Entry['kind']): Promise<{ name: string; kind: Entry['kind']; tensor: tf.Tensor; temp: boolean }[]> {
  const slots = await opt.getWeights();
  return slots.map((w) => ({ name: params.local(w.name), kind, tensor: w.tensor, temp: w.name === 'iter' }));
}

export async function savePrior(dir: string, t: GanTraining, config: GanTrainConfig): Promise<{ hash: string }> {
  const entries: { name: string; kind: Entry['kind']; tensor: tf.Tensor; temp: boolean }[] = [...t.params.vars].map(([name, v]) => ({ name, kind: 'param', tensor: v, temp: false }));
  entries.push(...(await optimizerEntries(t.params, t.gOpt, 'g-opt')), ...(await optimizerEntries(t.params, t.dOpt, 'd-opt')));
  const arrays = await Promise.all(entries.map((e) => e.tensor.data() as Promise<Float32Array>));
  for (const e of entries) if (e.temp) e.tensor.dispose();
  const { bytes, tensors, hash } = packTensors(entries, arrays);
  const manifest: PriorManifest = { format: PRIOR_FORMAT, config, step: t.step, finished: t.step >= config.steps, curves: t.curves, tensors, hash };
  const stage = await stageDirectory(dir);
  try {
    await writeFile(join(stage.path, 'weights.bin'), bytes);
    await writeFile(join(stage.path, 'prior.json'), JSON.stringify(manifest));
    await stage.commit();
  } catch (err) {
    await stage.discard();
    throw err;
  }
  return { hash };
}

export async function readPriorManifest(dir: string): Promise<PriorManifest> {
  const manifest = JSON.parse(await readFile(join(dir, 'prior.json'), 'utf8')) as PriorManifest;
  if (manifest.format !== PRIOR_FORMAT) throw new Error(`GAN prior format ${manifest.format} is not supported (expected ${PRIOR_FORMAT})`);
  return manifest;
}

/** Loads a prior into a live training state (parameters, optimizer slots, step, curves). */
export async function loadPrior(dir: string): Promise<{ manifest: PriorManifest; training: GanTraining }> {
  const manifest = await readPriorManifest(dir);
  const buf = await readFile(join(dir, 'weights.bin'));
  if (createHash('sha256').update(buf).digest('hex') !== manifest.hash) throw new Error(`GAN prior ${dir} is corrupt (hash mismatch)`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const training = createGanTraining(manifest.config);
  const byName = new Map(manifest.tensors.filter((e) => e.kind === 'param').map((e) => [e.name, e]));
  for (const [name, v] of training.params.vars) {
    const e = byName.get(name);
    if (!e || e.length !== v.size) throw new Error(`GAN prior ${dir} has no matching parameter ${name}`);
    tf.tidy(() => v.assign(tf.tensor(all.subarray(e.offset, e.offset + e.length), v.shape)));
  }
  for (const [kind, opt] of [['g-opt', training.gOpt], ['d-opt', training.dOpt]] as const) {
    const slots = manifest.tensors.filter((e) => e.kind === kind);
    if (!slots.length) continue;
    const weights = slots.map((e) => ({ name: e.name === 'iter' ? e.name : training.params.prefix + e.name, tensor: tf.tensor(all.subarray(e.offset, e.offset + e.length), e.shape) }));
    await opt.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
  training.step = manifest.step;
  training.curves = manifest.curves;
  return { manifest, training };
}
