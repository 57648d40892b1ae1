/**
 * The decoder's identity loss [ours, after the identity/perceptual losses of face inversion work]:
 * a pretrained face network the attacker can hold publicly (the studio's shipped `mobileface`
 * backbone, frozen; never the judge, which stays independent) embeds the decoder's pixels and the
 * public ground truth; 1 - cosine between the two pushes the decoder from MSE's mean face toward
 * the person. Its centre crop is chosen on the public faces only (the backbone's own rule).
 */
import * as tf from '@tensorflow/tfjs';
import { cropForBackbone, type BackboneConfig } from '../../backbone/adapter.ts';
import { chooseCrop } from '../../backbone/backbone-model.ts';
import { graphNetForward, graphNetParams, type GraphNet } from '../../backbone/graph-net.ts';
import { BACKBONES, DEFAULT_BACKBONE, loadBackbone } from '../../backbone/registry.ts';
import { Params } from '../../models/params.ts';
import type { PublicFaces } from '../public-data.ts';

export interface IdentityNet {
  name: string;
  net: GraphNet;
  /** the backbone's weights, frozen (not trainable: only the decoder learns) */
  params: Params;
  /** centre crop (fraction of the side) chosen on the public faces */
  crop: number;
  side: number;
}

/** The frozen backbone, its crop chosen by leave-one-out identification on up to 240 public faces. */
export function loadIdentityNet(faces: PublicFaces, rows: readonly number[], name = DEFAULT_BACKBONE): IdentityNet {
  const info = BACKBONES[name];
  const cfg: BackboneConfig = { name, package: info.source.package, version: info.source.version, inputSize: info.inputSize, embedding: info.embedding, crop: 0, fineTune: 'all', input: 'pixels' };
  const train = rows.map((row) => ({ row, label: faces.labels[row] }));
  const crop = chooseCrop(cfg, { pixels: faces.pixels, size: faces.size, channels: faces.channels, train, heldout: [], classes: 0 });
  const net = loadBackbone(name);
  const params = new Params(1);
  graphNetParams(params, net, () => false);
  return { name, net, params, crop, side: info.inputSize };
}

/** Unit-length embeddings `[N, E]` of pixels `[N, S, S, C]` (0..255). */
export function embedFaces(id: IdentityNet, pixels: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const e = graphNetForward({ params: id.params, training: false }, id.net, cropForBackbone(pixels, id.crop, id.side)) as tf.Tensor2D;
    return e.div(e.norm('euclidean', 1, true).add(1e-8)) as tf.Tensor2D;
  });
}

/** Mean over the batch of 1 - cos(embedding of `pixels`, `truth`) (`truth`: unit rows from `embedFaces`). */
export function identityLoss(id: IdentityNet, pixels: tf.Tensor4D, truth: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.scalar(1).sub(embedFaces(id, pixels).mul(truth).sum(1).mean()) as tf.Scalar);
}

export function disposeIdentityNet(id: IdentityNet): void {
  id.params.dispose();
}
