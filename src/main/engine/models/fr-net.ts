/**
 * The face-recognition backbone of DESIGN.md 5.3: an IR-style residual CNN (BN-conv-BN-PReLU-
 * conv-BN blocks, stride-2 stages, ArcFace's "improved residual" unit). Defended runs feed it the
 * kept frequency channels `[S/8, S/8, C]`; the undefended baseline feeds pixels through a stride-8
 * stem so both start from the same `[S/8, S/8, 64]` grid and cost about the same. Output: an
 * L2-normalisable embedding `[N, embedding]` after a final batch norm.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, bnParams, conv, convParams, dense, denseParams, prelu, preluParams, type Ctx } from './layers.ts';
import { Params } from './params.ts';

export interface FrNetConfig {
  /** input channels: kept frequency channels, or pixel channels (1 or 3) for the pixel stem */
  inputChannels: number;
  /** 'frequency' = 3x3 stem on [S/8, S/8, C]; 'pixels' = 8x8 stride-8 stem on [S, S, C] */
  stem: 'frequency' | 'pixels';
  /** widths of the residual stages; every stage after the first halves the resolution */
  widths: number[];
  /** residual blocks per stage */
  blocks: number;
  /** embedding size (DESIGN: 128-512, default 256) */
  embedding: number;
  /** 'group': GroupNorm in place of batch norm (DP-SGD keeps examples independent); default batch */
  norm?: 'batch' | 'group';
  /** GroupNorm groups */
  groups?: number;
}

export const STEM_WIDTH = 64;

/** The first block of every stage after the first halves the resolution. */
const blockStride = (stage: number, block: number): number => (block === 0 && stage > 0 ? 2 : 1);

export function frNetParams(cfg: FrNetConfig, seed: number): Params {
  const p = new Params(seed);
  const k = cfg.stem === 'pixels' ? 8 : 3;
  convParams(p, 'stem', k, cfg.inputChannels, STEM_WIDTH);
  bnParams(p, 'stem/bn', STEM_WIDTH);
  preluParams(p, 'stem/act', STEM_WIDTH);
  let cin = STEM_WIDTH;
  cfg.widths.forEach((width, s) => {
    for (let b = 0; b < cfg.blocks; b++) {
      const name = `s${s}b${b}`;
      const stride = blockStride(s, b);
      bnParams(p, `${name}/bn1`, cin);
      convParams(p, `${name}/conv1`, 3, cin, width);
      bnParams(p, `${name}/bn2`, width);
      preluParams(p, `${name}/act`, width);
      convParams(p, `${name}/conv2`, 3, width, width);
      bnParams(p, `${name}/bn3`, width);
      if (stride !== 1 || cin !== width) {
        convParams(p, `${name}/short`, 1, cin, width);
        bnParams(p, `${name}/short/bn`, width);
      }
      cin = width;
    }
  });
  bnParams(p, 'out/bn', cin);
  denseParams(p, 'embed', cin, cfg.embedding, false);
  bnParams(p, 'embed/bn', cfg.embedding);
  return p;
}

function block(ctx: Ctx, name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  let h = batchNorm(ctx, `${name}/bn1`, x) as tf.Tensor4D;
  h = conv(ctx, `${name}/conv1`, h, 1);
  h = prelu(ctx, `${name}/act`, batchNorm(ctx, `${name}/bn2`, h)) as tf.Tensor4D;
  h = batchNorm(ctx, `${name}/bn3`, conv(ctx, `${name}/conv2`, h, stride)) as tf.Tensor4D;
  const shortcut = ctx.params.vars.has(`${name}/short/w`) ? (batchNorm(ctx, `${name}/short/bn`, conv(ctx, `${name}/short`, x, stride)) as tf.Tensor4D) : x;
  return h.add(shortcut);
}

/** Embeddings `[N, embedding]` (not normalised) for inputs `[N, H, W, inputChannels]`. */
export function frNetForward(outer: Ctx, cfg: FrNetConfig, x: tf.Tensor4D): tf.Tensor2D {
  const ctx: Ctx = cfg.norm === 'group' ? { ...outer, groupNorm: cfg.groups ?? 16 } : outer;
  let h = conv(ctx, 'stem', x, cfg.stem === 'pixels' ? 8 : 1);
  h = prelu(ctx, 'stem/act', batchNorm(ctx, 'stem/bn', h)) as tf.Tensor4D;
  cfg.widths.forEach((_, s) => {
    for (let b = 0; b < cfg.blocks; b++) h = block(ctx, `s${s}b${b}`, h, blockStride(s, b));
  });
  const pooled = (batchNorm(ctx, 'out/bn', h) as tf.Tensor4D).mean([1, 2]) as tf.Tensor2D;
  return batchNorm(ctx, 'embed/bn', dense(ctx, 'embed', pooled)) as tf.Tensor2D;
}
