/**
 * Messages between the white-box attack (the leader, in the engine worker) and its helper thread
 * [ours]: what the helper needs to rebuild the target, the public faces and the face prior, then
 * one request at a time (teacher outputs, a student, a list of half-chunks of GMI latents).
 * Parameters travel as named arrays; `paramArrays` / `restoreArrays` convert.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../../shared/domain/run.ts';
import type { FrontEndState } from '../../masking/front-end.ts';
import type { Params } from '../../models/params.ts';
import type { TrainConfig } from '../../train/config.ts';
import type { GanConfig } from '../gan/nets.ts';
import type { DistilConfig } from './distil.ts';
import type { ChunkJob, ChunkResult, WhiteboxConfig } from './gmi.ts';

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export type PriorSpec = { kind: 'linear'; latent: number; channels: 1 | 3; mean: Float32Array; basis: Float32Array } | { kind: 'gan'; gan: GanConfig; params: NamedArray[] };

export interface HelperSpec {
  backend: BackendName;
  model: { config: TrainConfig; frontEnd: FrontEndState | null; params: NamedArray[] };
  faces: { pixels: Uint8Array; count: number; size: number; channels: 1 | 3 };
  prior: PriorSpec;
}

export type ToWhiteboxHelper =
  | { type: 'init'; spec: HelperSpec }
  | { type: 'teacher'; flips: boolean[] }
  | { type: 'distil'; cfg: DistilConfig; index: number; cached: Float32Array | null }
  | { type: 'students'; cfg: DistilConfig; students: { index: number; params: NamedArray[] }[] }
  | { type: 'invert'; cfg: WhiteboxConfig; jobs: ChunkJob[] };

export type FromWhiteboxHelper =
  | { type: 'ready' }
  | { type: 'tick' }
  | { type: 'logits'; values: Float32Array }
  | { type: 'student'; params: NamedArray[]; curve: number[] }
  | { type: 'inverted'; results: ChunkResult[] }
  | { type: 'error'; message: string };

/** Every variable of `params` (trainable or not) as named arrays, by local name. */
export function paramArrays(params: Params): NamedArray[] {
  return [...params.vars.entries()].map(([name, v]) => ({ name, shape: v.shape, values: Float32Array.from(v.dataSync() as Float32Array) }));
}

/** Assigns named arrays to the same-named variables of `params` (every one must exist with that shape). */
export function restoreArrays(params: Params, arrays: readonly NamedArray[]): void {
  for (const a of arrays) {
    const v = params.get(a.name);
    if (v.shape.join() !== a.shape.join()) throw new Error(`parameter ${a.name}: shape ${a.shape} does not fit ${v.shape}`);
    tf.tidy(() => v.assign(tf.tensor(a.values, a.shape)));
  }
}
