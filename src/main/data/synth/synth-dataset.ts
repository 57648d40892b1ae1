/**
 * Builds a synthetic face dataset in memory: rendered pixels, labels and generator record.
 * Persisting it (cache file, store rows) is the jobs layer's work.
 */
import { renderFace } from './face-generator.ts';

export const GENERATOR_VERSION = 1;

export interface SynthOptions {
  identities: number;
  perIdentity: number;
  size: number;
  channels: 1 | 3;
  seed: number;
}

export interface SynthImage {
  label: number;
  /** index of the photo within its identity */
  index: number;
  pixels: Uint8Array;
}

/** Renders images identity by identity; `onProgress` after each image; stops early when aborted. */
export function* synthImages(opts: SynthOptions): Generator<SynthImage> {
  for (let label = 0; label < opts.identities; label++) {
    for (let index = 0; index < opts.perIdentity; index++) {
      yield { label, index, pixels: renderFace(opts.seed, label, index, { size: opts.size, channels: opts.channels }) };
    }
  }
}

export function identityName(label: number): string {
  return `person-${String(label + 1).padStart(3, '0')}`;
}
