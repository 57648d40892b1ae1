/**
 * Messages between the leader (the engine worker) and a gradient helper thread. Tensors travel
 * through one SharedArrayBuffer: a parameter region the leader writes after each update and a
 * gradient region the helper writes after each half-batch; `layout` names every slice.
 */
import type { BackendName } from '../../../shared/domain/run.ts';
import type { Augment } from '../train/data.ts';
import type { Item, ReplicaSpec } from './replica.ts';

export interface Slot {
  /** parameter name without the instance prefix */
  name: string;
  shape: number[];
  /** float32 offset of the parameter (and, past `paramsLength`, of its gradient) */
  offset: number;
  length: number;
}

export type ToHelper =
  | { type: 'init'; spec: ReplicaSpec; backend: BackendName; buffer: SharedArrayBuffer; layout: Slot[]; paramsLength: number }
  | { type: 'step'; items: Item[]; augment?: Augment[]; paramsVersion: number };

export type FromHelper =
  | { type: 'ready' }
  | { type: 'grads'; loss: number; perSample?: number[] }
  | { type: 'error'; message: string };
