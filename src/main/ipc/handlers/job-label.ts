/**
 * Names for job labels (the studio's job bar): a dataset or run reference, which the page sends as
 * an id, shown by its name; an unknown reference is shown as given (the job itself then fails with
 * the store's NOT_FOUND message).
 */
import type { Backend } from '../backend.ts';

export function nameOf(b: Backend, kind: 'dataset' | 'run', ref: string): string {
  try {
    return kind === 'dataset' ? b.store.datasets.resolve(ref).name : b.store.runs.resolve(ref).name;
  } catch {
    return ref;
  }
}
