/**
 * Packs named float32 arrays into one blob with an index (name, kind, shape, offset, length) and
 * its sha256: the on-disk layout shared by training checkpoints and GAN prior files.
 */
import { createHash } from 'node:crypto';

export interface PackedTensor<K extends string> {
  name: string;
  kind: K;
  shape: number[];
  /** offset into the blob, in float32 values */
  offset: number;
  length: number;
}

/** Concatenates `arrays[i]` (the values of `entries[i]`) into one blob; returns its bytes, index and hash. */
export function packTensors<K extends string>(
  entries: readonly { name: string; kind: K; tensor: { shape: number[] } }[],
  arrays: readonly Float32Array[],
): { bytes: Uint8Array; tensors: PackedTensor<K>[]; hash: string } {
  const blob = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  const tensors: PackedTensor<K>[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    blob.set(arrays[i], offset);
    tensors.push({ name: e.name, kind: e.kind, shape: e.tensor.shape, offset, length: arrays[i].length });
    offset += arrays[i].length;
  });
  const bytes = new Uint8Array(blob.buffer);
  return { bytes, tensors, hash: createHash('sha256').update(bytes).digest('hex') };
}
