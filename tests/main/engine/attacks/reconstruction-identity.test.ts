// The reconstruction decoder's identity fine-tuning (a frozen public face network, not the judge) and its held-back public faces.
import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { publicFaces } from '../../../../src/main/engine/attacks/public-data.ts';
import { knownKeyView } from '../../../../src/main/engine/attacks/reconstruction/frequency.ts';
import { holdBackRows } from '../../../../src/main/engine/attacks/reconstruction/held-back.ts';
import { disposeIdentityNet, embedFaces, identityLoss, loadIdentityNet } from '../../../../src/main/engine/attacks/reconstruction/identity.ts';
import { DECODER_PROFILES, decoderConfig, disposeDecoder, IDENTITY_STAGES, trainDecoder } from '../../../../src/main/engine/attacks/reconstruction/train-decoder.ts';
import { fitFrontEnd } from '../../../../src/main/engine/masking/front-end.ts';

const faces = (identities: number, perIdentity: number) => publicFaces({ kind: 'synthetic', seed: 4, identities, perIdentity }, 32, 1);

describe('held-back public faces', () => {
  it('holds back whole identities, at most a tenth of the faces, the same ones for the same seed', () => {
    const labels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 4));
    const a = holdBackRows(labels, 30, 7);
    expect(a.held.length).toBeGreaterThan(0);
    expect(a.held.length).toBe(12); // a tenth is 10 faces: three whole identities of 4 reach it
    expect(a.train.length + a.held.length).toBe(100);
    const heldIds = new Set(a.held.map((r) => labels[r]));
    expect(a.train.some((r) => heldIds.has(labels[r]))).toBe(false);
    expect(holdBackRows(labels, 30, 7)).toEqual(a);
    expect(holdBackRows(labels, 0, 7).held).toEqual([]);
  });
});

describe('identity loss', () => {
  it('is a stage of its own only when asked for (--decoder-loss identity)', () => {
    expect(decoderConfig('standard', 'squared').identity).toBeNull();
    expect(decoderConfig('standard', 'identity')).toEqual({ ...DECODER_PROFILES.standard, identity: IDENTITY_STAGES.standard });
  });

  it('is zero for the same faces, positive for other faces, and its gradient reaches the pixels', async () => {
    await selectBackend('wasm');
    const pub = faces(4, 2);
    const id = loadIdentityNet(pub, [0, 1, 2, 3, 4, 5, 6, 7]);
    const x = tf.tensor4d(Float32Array.from(pub.pixels), [8, 32, 32, 1]);
    const before = tf.memory().numTensors;
    const [same, other, gradNorm] = tf.tidy(() => {
      const truth = embedFaces(id, x);
      const shifted = tf.concat([x.slice([2], [6]), x.slice([0], [2])]) as tf.Tensor4D;
      const g = tf.grad((px: tf.Tensor) => identityLoss(id, px as tf.Tensor4D, truth))(shifted);
      return [identityLoss(id, x, truth).dataSync()[0], identityLoss(id, shifted, truth).dataSync()[0], g.abs().sum().dataSync()[0]];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(same).toBeCloseTo(0, 4);
    expect(other).toBeGreaterThan(0.05);
    expect(gradNorm).toBeGreaterThan(0);
    x.dispose();
    disposeIdentityNet(id);
  });

  it('fine-tunes the decoder after the squared-error stage without leaking tensors, and scores both stages on held-back faces', async () => {
    await selectBackend('wasm');
    const pub = faces(10, 2);
    const x = tf.tensor4d(Float32Array.from(pub.pixels), [20, 32, 32, 1]);
    const fe = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 3 });
    x.dispose();
    const cfg = { ...DECODER_PROFILES.quick, epochs: 1, samples: 18, holdBack: 2, identity: { samples: 8, batch: 4, lr: 1e-3, weight: 1 } };
    const before = tf.memory().numTensors;
    const d = (await trainDecoder(pub, knownKeyView(fe), cfg, 1, { onStep: () => {}, shouldStop: () => false }))!;
    expect(d.identity).toMatchObject({ backbone: 'mobileface', samples: 8 });
    const { afterSquaredError, afterIdentity } = d.heldBack!;
    expect(afterSquaredError.faces).toBe(2);
    expect(afterIdentity!.identityCos).not.toBe(afterSquaredError.identityCos);
    for (const s of [afterSquaredError, afterIdentity!]) expect(s.psnr).toBeGreaterThan(5);
    disposeDecoder(d);
    expect(tf.memory().numTensors).toBe(before);
  });
});
