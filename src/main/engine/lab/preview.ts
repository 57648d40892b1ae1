/**
 * Defence Lab pictures (DESIGN.md 5.1-5.2), as pure functions of pixels: one image's 64 frequency
 * channels, the energy selection (or a run's frozen one), the masked image (removed channels zeroed,
 * inverse DCT) and frequency-MixUp samples for k = 2..6 drawn and mixed exactly as training mixes
 * them (defence/mixing.ts: InstaHide weights, unit energy). Owns no I/O.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import type { LabChannel, LabMix, LabPicture } from '../../../shared/domain/lab.ts';
import { instahideWeights, mixTensor } from '../defence/mixing.ts';
import { COEFFS, inverseBlockDct } from '../masking/dct.ts';
import { frequencyChannels, fromPlanes, selectChannels } from '../masking/front-end.ts';

export const LAB_KS = [2, 3, 4, 5, 6] as const;

export interface LabInput {
  /** `[n, S, S, 1|3]` uint8 rows: the anchor first, then at least 5 partners */
  images: Uint8Array[];
  size: number;
  channels: 1 | 3;
  /** mean |coefficient| per channel (planes*64) the selection ranks by */
  energy: number[];
  /** a run's frozen kept channels (overrides `keep`), with its learned gates if any */
  frozen: { kept: number[]; gates: number[] | null } | null;
  keep: number;
  seed: number;
}

export interface LabOutput {
  keep: number;
  original: LabPicture;
  channels: LabChannel[];
  masked: LabPicture;
  /** display contrast gain applied to `masked` (1 = as is) */
  maskedGain: number;
  /** sources are positions in `images` */
  mixes: LabMix[];
  /** every input image, in input order */
  sources: LabPicture[];
}

export function picture(data: Uint8Array | Float32Array | Int32Array, size: number, channels: 1 | 3): LabPicture {
  const bytes = data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => Math.max(0, Math.min(255, Math.round(v))));
  return { width: size, height: size, channels, pixels: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/** the most a faint masked picture is amplified for display [ours] */
const MAX_GAIN = 16;

/**
 * Masked pictures keep only weak high-frequency detail around mid-grey; stretch their contrast
 * about 128 for display (gain reported with the picture, never hidden) [ours].
 */
export function stretched(values: Float32Array, size: number, channels: 1 | 3): { picture: LabPicture; gain: number } {
  let dev = 1e-6;
  for (const v of values) dev = Math.max(dev, Math.abs(v - 128));
  const gain = Math.max(1, Math.min(MAX_GAIN, 127 / dev));
  return { picture: picture(values.map((v) => 128 + (v - 128) * gain), size, channels), gain: +gain.toFixed(2) };
}

/** Channel maps of plane 0: |coefficient| per block, each channel stretched to 0..255. */
function channelMaps(coeffs: tf.Tensor4D, planes: number): LabPicture[] {
  const b = coeffs.shape[1];
  const values = coeffs.abs().dataSync();
  const total = planes * COEFFS;
  return Array.from({ length: COEFFS }, (_, ch) => {
    const map = new Float32Array(b * b);
    for (let i = 0; i < b * b; i++) map[i] = values[i * total + ch];
    const max = Math.max(...map, 1e-6);
    return picture(map.map((v) => (v / max) * 255), b, 1);
  });
}

/** Everything the Lab shows for `input.images[0]`; all tensors are disposed before it returns. */
export function labPictures(input: LabInput): LabOutput {
  const { size, channels } = input;
  const planes = channels;
  const kept = input.frozen?.kept ?? selectChannels(input.energy, planes, input.keep);
  const keep = kept.filter((c) => c < COEFFS).length;
  const keptSet = new Set(kept);
  const mask = Float32Array.from({ length: planes * COEFFS }, (_, c) => (keptSet.has(c) ? 1 : 0));
  const rng = new Rng(hashSeed(input.seed, 0x1ab));
  const partners = rng.shuffle(input.images.slice(1).map((_, i) => i + 1));
  const recipes = LAB_KS.map((k) => ({ k, sources: [0, ...partners.slice(0, k - 1)], weights: instahideWeights(k, rng) }));
  let out: LabOutput | null = null;
  tf.tidy(() => {
    const n = input.images.length;
    const stacked = new Uint8Array(n * size * size * channels);
    input.images.forEach((im, i) => stacked.set(im, i * im.length));
    const coeffs = frequencyChannels(tf.tensor4d(stacked, [n, size, size, channels], 'float32'));
    const masked = coeffs.mul(tf.tensor1d(mask)) as tf.Tensor4D;
    const anchor = coeffs.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const maskedImage = fromPlanes(inverseBlockDct(masked.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D));
    // unit energy about 0 (the kept channels exclude DC and are near zero-mean): as freq-mixup and adaptive train
    const mixed = mixTensor(masked, recipes.map((r) => ({ ...r, signSeed: null })), { unitEnergy: true });
    const mixedImages = fromPlanes(inverseBlockDct(mixed)).dataSync();
    const px = size * size * channels;
    const maps = channelMaps(anchor, planes);
    const maskedView = stretched(maskedImage.dataSync() as Float32Array, size, channels);
    out = {
      keep,
      original: picture(input.images[0], size, channels),
      channels: maps.map((map, index) => ({
        index,
        energy: input.energy[index] ?? 0,
        kept: keptSet.has(index),
        gate: input.frozen?.gates?.[index] ?? null,
        map,
      })),
      masked: maskedView.picture,
      maskedGain: maskedView.gain,
      mixes: recipes.map((r, t) => {
        const view = stretched((mixedImages as Float32Array).slice(t * px, (t + 1) * px), size, channels);
        return { ...r, image: view.picture, gain: view.gain };
      }),
      sources: input.images.map((im) => picture(im, size, channels)),
    };
  });
  return out!;
}

/** Mean |coefficient| per channel over `images` (what the energy selection ranks by, as `fitFrontEnd`). */
export function channelEnergy(images: Uint8Array[], size: number, channels: 1 | 3): number[] {
  return tf.tidy(() => {
    const stacked = new Uint8Array(images.length * size * size * channels);
    images.forEach((im, i) => stacked.set(im, i * im.length));
    const coeffs = frequencyChannels(tf.tensor4d(stacked, [images.length, size, size, channels], 'float32'));
    return Array.from(coeffs.abs().mean([0, 1, 2]).dataSync());
  });
}
