/**
 * Identity-disjoint splits (DESIGN.md section 4), seeded and pure: identities are shuffled and
 * assigned eval first (if asked), then private / public by the fractions of the rest; each private
 * identity's images are shuffled into train and held-out. Every private identity keeps at least
 * one train and one held-out image.
 */
import type { IdentitySplit, ImageSplit, SplitConfig } from '../../shared/domain/dataset.ts';
import { hashSeed, Rng } from './synth/random.ts';

export interface SplitAssignment {
  /** split of each identity, by label */
  identities: IdentitySplit[];
  /** split of each image, in input order */
  images: ImageSplit[];
}

/**
 * @param labels label of each image (0..identityCount-1), in input order
 * @param identityCount number of identities
 */
export function assignSplits(labels: readonly number[], identityCount: number, config: SplitConfig): SplitAssignment {
  if (identityCount < 2) throw new RangeError('splits need at least 2 identities (one private, one public)');
  const order = new Rng(hashSeed(config.seed, 0x5a)).shuffle([...Array(identityCount).keys()]);
  const nEval = Math.floor(identityCount * config.evalFraction);
  // Eval identities come out first; the private/public fractions apply to the rest.
  const nPrivate = Math.min(identityCount - nEval - 1, Math.max(1, Math.round((identityCount - nEval) * config.privateFraction)));
  const identities: IdentitySplit[] = new Array(identityCount);
  order.forEach((label, rank) => {
    identities[label] = rank < nPrivate ? 'private' : rank < identityCount - nEval ? 'public' : 'eval';
  });

  const byIdentity = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byIdentity.get(label) ?? [];
    list.push(i);
    byIdentity.set(label, list);
  });
  const images: ImageSplit[] = labels.map((label) => (identities[label] === 'private' ? 'train' : identities[label]) as ImageSplit);
  for (const [label, indices] of byIdentity) {
    if (identities[label] !== 'private') continue;
    const shuffled = new Rng(hashSeed(config.seed, label, 0x7b)).shuffle([...indices]);
    const nTrain = Math.min(shuffled.length - 1, Math.max(1, Math.round(shuffled.length * config.trainFraction)));
    shuffled.forEach((imageIndex, rank) => {
      images[imageIndex] = rank < nTrain ? 'train' : 'heldout';
    });
  }
  return { identities, images };
}
