/**
 * The leaked set and the attacker's copy of the defence (DESIGN.md 6), both through the defence
 * issue's one shared function `applyDefence` (the export's own): the private training samples
 * exactly as `veil export` writes them (same chunks, same seeds), each with its largest-weight
 * source; and public faces passed through the defence as the attacker knows it (the real key, or
 * its estimated view of the front end with the identity permutation).
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../../data/synth/random.ts';
import { applyDefence, type DefenceModel, type SampleRecipe } from '../../defence/apply.ts';
import { COEFFS } from '../../masking/dct.ts';
import { DEFAULT_LAYOUT } from '../../export/masked-export.ts';
import { coefficientsOf, reorderLeaked, type AttackerView } from './frequency.ts';

/** The source a mixed sample is scored against: its largest weight (the first on ties). */
export function largestSource(r: SampleRecipe): number {
  return r.sources[r.lambdas.reduce((best, l, i) => (l > r.lambdas[best] ? i : best), 0)];
}

/** The attacker's view of a defence without a front end (pixel MixUp, InstaHide): every DCT channel in, every channel out. */
export function pixelView(planes: 1 | 3): AttackerView {
  const all = Array.from({ length: planes * COEFFS }, (_, i) => i);
  return { planes, kept: all, removed: [], position: all };
}

/** Decoder inputs `[N, B, B, K]` (attacker's channel order) from an applied defence. */
export function attackerInputs(samples: tf.Tensor4D, images: tf.Tensor4D, form: 'frequency' | 'pixels', view: AttackerView, reorder: boolean): tf.Tensor4D {
  return tf.tidy(() => (form === 'pixels' ? coefficientsOf(images, view.kept, view.planes) : reorder ? reorderLeaked(samples, view.position) : samples.clone()));
}

export interface Leaked {
  /** network-domain samples as exported, packed `[n, ...sampleShape]` */
  samples: Float32Array;
  sampleShape: [number, number, number];
  /** visualisations `[n, S, S, C]` 0..255 */
  images: Float32Array;
  form: 'frequency' | 'pixels';
  /** per sample: index (into the rows given) of its largest-weight source */
  source: number[];
}

/** Replays the export on `rows` (cache rows of the private training images, export order). */
export async function leakedSet(model: DefenceModel, batch: (rows: readonly number[]) => tf.Tensor4D, rows: readonly number[], labels: readonly number[]): Promise<Leaked> {
  const samples: Float32Array[] = [];
  const images: Float32Array[] = [];
  const source: number[] = [];
  let shape: [number, number, number] = [0, 0, 0];
  let form: Leaked['form'] = 'frequency';
  const chunk = DEFAULT_LAYOUT.chunk; // the export's chunks (its shards are whole multiples of them)
  for (let first = 0; first < rows.length; first += chunk) {
    const px = batch(rows.slice(first, first + chunk));
    const applied = applyDefence(model, px, labels.slice(first, first + chunk), { seed: hashSeed(model.config.seed, first, 0xe4) });
    px.dispose();
    shape = applied.samples.shape.slice(1) as [number, number, number];
    form = applied.form;
    samples.push((await applied.samples.data()) as Float32Array);
    images.push((await applied.images.data()) as Float32Array);
    tf.dispose([applied.samples, applied.images]);
    source.push(...applied.recipes.map((r) => largestSource(r) + first));
  }
  const cat = (parts: Float32Array[]): Float32Array => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
    return out;
  };
  return { samples: cat(samples), sampleShape: shape, images: cat(images), form, source };
}
