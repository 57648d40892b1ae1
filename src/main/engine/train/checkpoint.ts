/**
 * Checkpoints: parameters, optimizer slots, the fitted front end, the frozen config, the trainer's
 * resume state (mid-epoch included) and named extra parts (e.g. a defence's policy), written to a
 * staging folder and committed by `commitDirectory` (the previous checkpoint survives a crash).
 * `weights.bin` holds float32 arrays back to back; `checkpoint.json` indexes them by name.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverDirectory, stageDirectory } from '../../data/fs/atomic.ts';
import type { FrontEndState } from '../masking/front-end.ts';
import type { Params } from '../models/params.ts';
import type { TrainConfig } from './config.ts';
import { packTensors } from './tensor-pack.ts';

/** 2: adds the trainer's `resume` state and `parts`; format 1 (epoch boundaries only) still loads. */
export const CHECKPOINT_FORMAT = 2;

/** Where training stands: the next step to run is `step` of `epoch` (0-based). */
export interface Position {
  epoch: number;
  step: number;
}

/**
 * Everything the trainer needs to continue exactly where it stopped, also in the middle of an
 * epoch: the position, the optimizer step count (LR schedule), and the running sums of the epoch
 * in progress (so its reported loss and time cover all of its steps, not only the resumed ones).
 */
export interface Resume {
  position: Position;
  /** total optimizer steps taken (for the LR schedule) */
  globalStep: number;
  /** sum of the batch losses of the epoch in progress (steps 0..position.step-1) */
  epochLossSum: number;
  /** seconds spent on the epoch in progress before the stop */
  epochSeconds: number;
}

export function freshResume(): Resume {
  return { position: { epoch: 0, step: 0 }, globalStep: 0, epochLossSum: 0, epochSeconds: 0 };
}

/**
 * Extra state saved with every checkpoint under its own name (a defence's policy network, its
 * optimizer, dual variables, a reward baseline...): tensors (float32) and a JSON value.
 */
export interface PartState {
  tensors: Record<string, tf.Tensor>;
  values?: unknown;
}

/** A loaded part: its tensors as arrays, and its JSON value. */
export interface LoadedPart {
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  values: unknown;
}

type TensorKind = 'param' | 'optimizer' | 'part';

export interface CheckpointManifest {
  format: number;
  config: TrainConfig;
  frontEnd: FrontEndState | null;
  resume: Resume;
  /** names and JSON values of the extra parts (their tensors are in `tensors`, kind `part`) */
  parts: Record<string, unknown>;
  /**
   * Adam's running bias-correction powers beta^t, saved as they are: tfjs recomputes them with
   * pow() on setWeights, which differs from its running product in the last bits after a few
   * steps, and the resumed run then drifts from the uninterrupted one.
   */
  adamPowers: { accBeta1: number; accBeta2: number } | null;
  /** `part` tensors are named `<part>:<name>` */
  tensors: { name: string; kind: TensorKind; shape: number[]; offset: number; length: number }[];
  /** sha256 of weights.bin */
  hash: string;
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  params: Map<string, Float32Array>;
  optimizer: Map<string, { shape: number[]; values: Float32Array }>;
  parts: Map<string, LoadedPart>;
}

export interface SaveArgs {
  config: TrainConfig;
  frontEnd: FrontEndState | null;
  params: Params;
  optimizer: tf.Optimizer;
  resume: Resume;
  /** named extra state; each name once, without ':' */
  parts?: Record<string, PartState>;
}

/** Named tensors of the checkpoint, in order; `owned` are temporaries to dispose after reading. */
async function collect(args: Pick<SaveArgs, 'params' | 'optimizer' | 'parts'>): Promise<{ entries: { name: string; kind: TensorKind; tensor: tf.Tensor }[]; owned: tf.Tensor[] }> {
  const entries: { name: string; kind: TensorKind; tensor: tf.Tensor }[] = [];
  for (const [name, v] of args.params.vars) entries.push({ name, kind: 'param', tensor: v });
  const slots = await args.optimizer.getWeights();
  for (const w of slots) entries.push({ name: args.params.local(w.name), kind: 'optimizer', tensor: w.tensor });
  for (const [part, state] of Object.entries(args.parts ?? {})) {
    if (part.includes(':')) throw new Error(`checkpoint part name ${part} must not contain ':'`);
    for (const [name, tensor] of Object.entries(state.tensors)) entries.push({ name: `${part}:${name}`, kind: 'part', tensor });
  }
  // getWeights() makes a fresh scalar for the iteration count; the other slots are live variables.
  return { entries, owned: slots.filter((w) => w.name === 'iter').map((w) => w.tensor) };
}

export async function saveCheckpoint(dir: string, args: SaveArgs): Promise<{ path: string; hash: string }> {
  const { entries, owned } = await collect(args);
  const arrays = await Promise.all(entries.map(async (e) => Float32Array.from(await e.tensor.data())));
  tf.dispose(owned);
  const { bytes, tensors, hash } = packTensors(entries, arrays);
  const parts = Object.fromEntries(Object.entries(args.parts ?? {}).map(([name, s]) => [name, s.values ?? null]));
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    config: args.config,
    frontEnd: args.frontEnd,
    resume: args.resume,
    parts,
    adamPowers: await adamPowers(args.optimizer),
    tensors,
    hash,
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

type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

/** Adam's beta^t accumulators (private fields of tfjs's AdamOptimizer), or null for other optimizers. */
async function adamPowers(optimizer: tf.Optimizer): Promise<CheckpointManifest['adamPowers']> {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  if (!(optimizer instanceof tf.AdamOptimizer) || !accBeta1 || !accBeta2) return null;
  return { accBeta1: (await accBeta1.data())[0], accBeta2: (await accBeta2.data())[0] };
}

/** A format-1 manifest (position + globalStep at an epoch boundary) as a format-2 one. */
function upgrade(m: CheckpointManifest & { position?: Position; globalStep?: number }): CheckpointManifest {
  if (m.format === 1) {
    return { ...m, resume: { ...freshResume(), position: m.position!, globalStep: m.globalStep! }, parts: {}, adamPowers: null };
  }
  return m;
}

/** Loads the checkpoint in `dir`, first recovering an interrupted commit (see `recoverDirectory`). */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  recoverDirectory(dir);
  const raw = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointManifest;
  if (raw.format !== CHECKPOINT_FORMAT && raw.format !== 1) {
    throw new Error(`checkpoint format ${raw.format} is not supported (expected ${CHECKPOINT_FORMAT})`);
  }
  const manifest = upgrade(raw);
  const buf = await readFile(join(dir, 'weights.bin'));
  if (createHash('sha256').update(buf).digest('hex') !== manifest.hash) throw new Error(`checkpoint ${dir} is corrupt (hash mismatch)`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const ck: LoadedCheckpoint = { manifest, params: new Map(), optimizer: new Map(), parts: new Map() };
  for (const name of Object.keys(manifest.parts)) ck.parts.set(name, { tensors: new Map(), values: manifest.parts[name] });
  for (const t of manifest.tensors) {
    const values = all.subarray(t.offset, t.offset + t.length);
    if (t.kind === 'param') ck.params.set(t.name, values);
    else if (t.kind === 'optimizer') ck.optimizer.set(t.name, { shape: t.shape, values });
    else {
      const [part, ...rest] = t.name.split(':');
      ck.parts.get(part)?.tensors.set(rest.join(':'), { shape: t.shape, values });
    }
  }
  return ck;
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
    // setWeights makes new slot variables: a used optimizer's old ones (live variables) are disposed.
    const previous = await optimizer.getWeights();
    await optimizer.setWeights(weights);
    tf.dispose([...weights, ...previous].map((w) => w.tensor));
    const powers = ck.manifest.adamPowers;
    const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
    if (powers && accBeta1 && accBeta2) {
      tf.tidy(() => {
        accBeta1.assign(tf.scalar(powers.accBeta1));
        accBeta2.assign(tf.scalar(powers.accBeta2));
      });
    }
  }
}

/**
 * The live parameters and optimizer state as an in-memory checkpoint (no part, no file), to put
 * back with `restoreInto` after a detour (adaptive's k = 2 reference forks from it).
 */
export async function snapshotTraining(params: Params, optimizer: tf.Optimizer): Promise<LoadedCheckpoint> {
  const ck: LoadedCheckpoint = { manifest: { adamPowers: await adamPowers(optimizer) } as CheckpointManifest, params: new Map(), optimizer: new Map(), parts: new Map() };
  const { entries, owned } = await collect({ params, optimizer });
  for (const e of entries) {
    const values = Float32Array.from(await e.tensor.data());
    if (e.kind === 'param') ck.params.set(e.name, values);
    else ck.optimizer.set(e.name, { shape: e.tensor.shape, values });
  }
  tf.dispose(owned);
  return ck;
}
