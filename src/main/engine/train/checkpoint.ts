/**
 * Checkpoints: parameters, optimizer slots, the fitted front end and the frozen config, written to
 * a temporary folder and renamed into place (never half a checkpoint). `weights.bin` holds float32
 * arrays back to back; `checkpoint.json` indexes them by parameter name (instance prefix stripped).
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stageDirectory } from '../../data/fs/atomic.ts';
import type { FrontEndState } from '../masking/front-end.ts';
import type { Params } from '../models/params.ts';
import type { TrainConfig } from './config.ts';

export const CHECKPOINT_FORMAT = 1;

/** Where training stands: the next step to run is `step` of `epoch` (0-based). */
export interface Position {
  epoch: number;
  step: number;
}

export interface CheckpointManifest {
  format: number;
  config: TrainConfig;
  frontEnd: FrontEndState | null;
  position: Position;
  /** total optimizer steps taken (for the LR schedule) */
  globalStep: number;
  tensors: { name: string; kind: 'param' | 'optimizer' | 'defence'; shape: number[]; offset: number; length: number }[];
  /** the defence's training state (engine/defence/runtime.ts); its tensors have kind 'defence' */
  defence?: unknown;
  /** sha256 of weights.bin */
  hash: string;
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  params: Map<string, Float32Array>;
  optimizer: Map<string, { shape: number[]; values: Float32Array }>;
  /** the defence's tensors (policy and its optimizer) */
  defence: { name: string; shape: number[]; values: Float32Array }[];
}

/** A defence's state for a checkpoint: JSON and named float32 tensors. */
export interface DefenceCheckpoint {
  json: unknown;
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

export async function saveCheckpoint(
  dir: string,
  args: { config: TrainConfig; frontEnd: FrontEndState | null; params: Params; optimizer: tf.Optimizer; position: Position; globalStep: number; defence?: DefenceCheckpoint },
): Promise<{ path: string; hash: string }> {
  const entries: { name: string; kind: 'param' | 'optimizer' | 'defence'; tensor: { shape: number[] } }[] = [];
  for (const [name, v] of args.params.vars) entries.push({ name, kind: 'param', tensor: v });
  const slots = await args.optimizer.getWeights();
  for (const w of slots) entries.push({ name: args.params.local(w.name), kind: 'optimizer', tensor: w.tensor });
  const arrays = await Promise.all(entries.map((e) => (e.tensor as tf.Tensor).data() as Promise<Float32Array>));
  for (const t of args.defence?.tensors ?? []) {
    entries.push({ name: t.name, kind: 'defence', tensor: { shape: t.shape } });
    arrays.push(t.values);
  }
  // getWeights() makes a fresh scalar for the iteration count; the other slots are live variables.
  for (const w of slots) if (w.name === 'iter') w.tensor.dispose();
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const blob = new Float32Array(total);
  const tensors: CheckpointManifest['tensors'] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    blob.set(arrays[i], offset);
    tensors.push({ name: e.name, kind: e.kind, shape: e.tensor.shape, offset, length: arrays[i].length });
    offset += arrays[i].length;
  });
  const bytes = new Uint8Array(blob.buffer);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    config: args.config,
    frontEnd: args.frontEnd,
    position: args.position,
    globalStep: args.globalStep,
    tensors,
    hash,
    ...(args.defence ? { defence: args.defence.json } : {}),
  };
  const stage = await stageDirectory(dir);
  try {
    await writeFile(join(stage.path, 'weights.bin'), bytes);
    await writeFile(join(stage.path, 'checkpoint.json'), JSON.stringify(manifest));
    await stage.commit();
  } catch (err) {
    await stage.discard();
    throw err;
  }
  return { path: dir, hash };
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const manifest = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointManifest;
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`checkpoint format ${manifest.format} is not supported (expected ${CHECKPOINT_FORMAT})`);
  const buf = await readFile(join(dir, 'weights.bin'));
  if (createHash('sha256').update(buf).digest('hex') !== manifest.hash) throw new Error(`checkpoint ${dir} is corrupt (hash mismatch)`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const params = new Map<string, Float32Array>();
  const optimizer = new Map<string, { shape: number[]; values: Float32Array }>();
  const defence: LoadedCheckpoint['defence'] = [];
  for (const t of manifest.tensors) {
    const values = all.subarray(t.offset, t.offset + t.length);
    if (t.kind === 'param') params.set(t.name, values);
    else if (t.kind === 'defence') defence.push({ name: t.name, shape: t.shape, values });
    else optimizer.set(t.name, { shape: t.shape, values });
  }
  return { manifest, params, optimizer, defence };
}

/** Restores parameters (and optimizer slots) from a loaded checkpoint into live objects. */
export async function restoreInto(ck: LoadedCheckpoint, params: Params, optimizer?: tf.Optimizer): Promise<void> {
  for (const [name, v] of params.vars) {
    const values = ck.params.get(name);
    if (!values || values.length !== v.size) throw new Error(`checkpoint has no matching parameter ${name}`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
  if (optimizer && ck.optimizer.size) {
    const weights = [...ck.optimizer].map(([name, w]) => ({ name: name === 'iter' ? name : params.prefix + name, tensor: tf.tensor(w.values, w.shape) }));
    await optimizer.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
}
