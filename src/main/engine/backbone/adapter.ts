/**
 * What a pixel backbone sees (issue #15): the network input (scaled pixels for `none`, masked
 * and possibly mixed frequency channels for the frequency defences) turned back into RGB pixels
 * 0..255 at the backbone's side. For frequency inputs that is the inverse DCT of the kept
 * channels (removed channels zero, no clipping): the front end is linear, so it carries exactly
 * the information of the channels [ours]. Grey images repeat their plane; a centred square crop
 * (a fraction of the side, chosen per run) is resized bilinearly to the backbone's input.
 */
import * as tf from '@tensorflow/tfjs';
import { COEFFS, inverseBlockDct } from '../masking/dct.ts';
import { keptOrder, type FrontEndState } from '../masking/front-end.ts';

/** The run's backbone, frozen in its config and recorded with it. */
export interface BackboneConfig {
  /** a name from BACKBONES (resources/backbones) */
  name: string;
  /** where its files come from: npm package and version */
  package: string;
  version: string;
  /** square RGB side the backbone takes, and its embedding size */
  inputSize: number;
  embedding: number;
  /** fraction of the image side kept around the centre before resizing (1 = whole image) */
  crop: number;
  /** 'all' layers fine-tune, or only the 'last' stages (the early ones stay pretrained) */
  fineTune: 'all' | 'last';
  /** how the network input reaches the backbone: scaled pixels, or the inverse DCT of the kept channels */
  input: 'pixels' | 'inverse-dct';
  /**
   * inverse-dct only: the reconstructed planes' deviation from grey is multiplied by this before
   * the backbone sees it (absent: 1, runs before it existed) [ours]; chosen per run on training images
   */
  inputGain?: number;
}

/** JPEG's YCbCr -> RGB (the inverse of the front end's RGB -> YCbCr), rows are output channels. */
const YCBCR_TO_RGB = [
  [1, 0, 1.402],
  [1, -0.344136, -0.714136],
  [1, 1.772, 0],
];

/** Pixels `[N, S, S, planes]` (0..255, unclipped) from standardised masked channels `[N, S/8, S/8, kept]`. */
export function inverseFrontEnd(x: tf.Tensor4D, state: FrontEndState, gain = 1): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, b, , k] = x.shape;
    const total = state.planes * COEFFS;
    // Undo the standardisation and scatter channel k (std-scaled) to its frequency position.
    const select = new Float32Array(k * total);
    keptOrder(state).forEach((ch, i) => (select[i * total + ch] = state.std[i]));
    const shift = tf.tensor1d(state.mean);
    const full = tf.matMul(x.add(shift.div(tf.tensor1d(state.std))).reshape([n * b * b, k]), tf.tensor2d(select, [k, total]));
    const planes = inverseBlockDct(full.reshape([n, b, b, total]) as tf.Tensor4D).mul(gain) as tf.Tensor4D;
    if (state.planes === 1) return planes.add(128) as tf.Tensor4D;
    const [, s] = planes.shape;
    const rgb = tf.matMul(planes.add(tf.tensor1d([128, 0, 0])).reshape([n * s * s, 3]), tf.tensor2d(YCBCR_TO_RGB).transpose());
    return rgb.reshape([n, s, s, 3]) as tf.Tensor4D;
  });
}

/** Pixels `[N, S, S, C]` 0..255 -> the backbone's `[N, side, side, 3]`: grey repeated, centre crop, bilinear resize. */
export function cropForBackbone(pixels: tf.Tensor4D, crop: number, side: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, s, , c] = pixels.shape;
    const rgb = c === 1 ? (tf.concat([pixels, pixels, pixels], 3) as tf.Tensor4D) : pixels;
    const keep = Math.min(s, Math.max(8, Math.round(s * crop)));
    const at = Math.floor((s - keep) / 2);
    const cropped = keep === s ? rgb : rgb.slice([0, at, at, 0], [-1, keep, keep, -1]);
    return keep === side ? cropped : tf.image.resizeBilinear(cropped, [side, side], false, true);
  });
}

/** The backbone's input from the FR network input (`modelInput`'s output). */
export function backboneInput(x: tf.Tensor4D, frontEnd: FrontEndState | null, cfg: BackboneConfig): tf.Tensor4D {
  return tf.tidy(() => {
    const pixels = frontEnd ? inverseFrontEnd(x, frontEnd, cfg.inputGain ?? 1) : (x.mul(128).add(127.5) as tf.Tensor4D);
    return cropForBackbone(pixels, cfg.crop, cfg.inputSize);
  });
}
