/**
 * Verification metrics over embeddings (pure, no tensors): every pair of held-out images is a
 * genuine (same identity) or impostor pair scored by cosine similarity. 10-fold accuracy follows
 * the LFW protocol on balanced pairs (all genuine pairs and as many seeded impostor pairs; the
 * threshold is chosen on 9 folds, accuracy measured on the 10th). The ROC and TAR at FAR 1e-2 and
 * 1e-3 use every pair (null when there are too few impostor pairs to resolve that FAR).
 */
import { hashSeed, Rng } from '../../data/synth/random.ts';

export interface VerificationResult {
  accuracy: number;
  tarAtFar1e2: number | null;
  tarAtFar1e3: number | null;
  genuinePairs: number;
  impostorPairs: number;
  /** ROC points (false accept rate, true accept rate), at most 101 */
  roc: { far: number; tar: number }[];
}

interface Pair {
  score: number;
  same: boolean;
}

/** `embeddings` row-major `[n, dim]`, already L2-normalised. */
export function allPairs(embeddings: Float32Array, dim: number, labels: readonly number[]): Pair[] {
  const n = labels.length;
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += embeddings[i * dim + d] * embeddings[j * dim + d];
      pairs.push({ score: dot, same: labels[i] === labels[j] });
    }
  return pairs;
}

function bestThreshold(pairs: Pair[]): number {
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  const genuine = pairs.filter((p) => p.same).length;
  // Accepting everything scored >= threshold: correct = accepted genuine + rejected impostors.
  let acceptedGenuine = 0;
  let acceptedImpostor = 0;
  let best = { correct: pairs.length - genuine, threshold: Infinity };
  sorted.forEach((p, i) => {
    if (p.same) acceptedGenuine++;
    else acceptedImpostor++;
    const correct = acceptedGenuine + (pairs.length - genuine - acceptedImpostor);
    // Midway to the next score, so unseen pairs near the boundary are not decided by a hair.
    const next = i + 1 < sorted.length ? sorted[i + 1].score : p.score - 1e-3;
    if (correct > best.correct) best = { correct, threshold: (p.score + next) / 2 };
  });
  return best.threshold;
}

/** `impostor` scores sorted from high to low. */
function tarAtFar(genuine: number[], impostor: number[], far: number): number | null {
  if (impostor.length * far < 1 || genuine.length === 0) return null;
  const threshold = impostor[Math.floor(far * impostor.length)];
  return genuine.filter((s) => s > threshold).length / genuine.length;
}

export function verification(pairs: Pair[], seed = 1): VerificationResult {
  const rng = new Rng(hashSeed(seed, 0x10f0));
  const genuinePairs = pairs.filter((p) => p.same);
  const impostorPairs = pairs.filter((p) => !p.same);
  const impostorSample = rng.shuffle([...impostorPairs]).slice(0, genuinePairs.length);
  const balanced = [...genuinePairs, ...impostorSample];
  const shuffled = rng.shuffle(balanced);
  const folds = 10;
  let correct = 0;
  for (let f = 0; f < folds; f++) {
    const test = shuffled.filter((_, i) => i % folds === f);
    const threshold = bestThreshold(shuffled.filter((_, i) => i % folds !== f));
    correct += test.filter((p) => (p.score >= threshold) === p.same).length;
  }
  const genuine = genuinePairs.map((p) => p.score);
  const impostor = impostorPairs.map((p) => p.score).sort((a, b) => b - a);
  const roc = Array.from({ length: 101 }, (_, i) => {
    const far = i / 100;
    const threshold = far === 0 ? Infinity : impostor[Math.min(impostor.length - 1, Math.floor(far * impostor.length))];
    return { far, tar: genuine.length ? genuine.filter((s) => s > threshold || (far === 1 && s >= threshold)).length / genuine.length : 0 };
  });
  return {
    accuracy: balanced.length ? correct / balanced.length : 0,
    tarAtFar1e2: tarAtFar(genuine, impostor, 1e-2),
    tarAtFar1e3: tarAtFar(genuine, impostor, 1e-3),
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    roc,
  };
}
