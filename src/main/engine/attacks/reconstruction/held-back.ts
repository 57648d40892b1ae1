/**
 * The decoder's own validation [ours]: whole public identities held back from training (seeded),
 * and the trained decoder's loss, PSNR and (with an identity network) embedding cosine on them.
 * Public faces only: the attacker can measure this, and variants of the attack are chosen by it,
 * never by the judge on private faces.
 */
import { Rng, hashSeed } from '../../../data/synth/random.ts';

/** What the decoder scores on the held-back public faces (recorded with the attack). */
export interface HeldBackScore {
  faces: number;
  /** the training loss's squared-error term on them (noise as in training, no augmentation) */
  loss: number;
  /** mean per-face PSNR of the reconstruction against the face, dB */
  psnr: number;
  /** mean cosine between identity-network embeddings of reconstruction and face (null without one) */
  identityCos: number | null;
}

/**
 * Splits public face rows into training rows and held-back rows: whole identities in a seeded
 * order until `min(want, a tenth of the faces)` are held back (the last identity whole); none
 * when that is 0.
 */
export function holdBackRows(labels: readonly number[], want: number, seed: number): { train: number[]; held: number[] } {
  const all = labels.map((_, i) => i);
  const limit = Math.min(want, Math.floor(labels.length / 10));
  if (limit <= 0) return { train: all, held: [] };
  const ids = new Rng(hashSeed(seed, 0x4e1d)).shuffle([...new Set(labels)]);
  const heldIds = new Set<number>();
  let count = 0;
  const sizes = new Map<number, number>();
  labels.forEach((l) => sizes.set(l, (sizes.get(l) ?? 0) + 1));
  for (const id of ids) {
    if (count >= limit) break;
    heldIds.add(id);
    count += sizes.get(id)!;
  }
  return { train: all.filter((i) => !heldIds.has(labels[i])), held: all.filter((i) => heldIds.has(labels[i])) };
}
