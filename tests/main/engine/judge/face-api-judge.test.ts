import { describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { JUDGE_DIM, loadPretrainedJudge } from '../../../../src/main/engine/judge/face-api-judge.ts';

describe('the pretrained judge', () => {
  it('tells synthetic identities apart (leave-one-out nearest neighbour) without leaking tensors', async () => {
    await selectBackend('wasm');
    const ids = 5;
    const per = 3;
    const px = new Float32Array(ids * per * 64 * 64);
    for (let i = 0; i < ids * per; i++) px.set(renderFace(9, Math.floor(i / per), i % per, { size: 64, channels: 1 }), i * 4096);
    const judge = await loadPretrainedJudge();
    const x = tf.tensor4d(px, [ids * per, 64, 64, 1]);
    const before = tf.memory().numTensors;
    const d = await judge.embed(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(d.length).toBe(ids * per * JUDGE_DIM);
    const dist = (a: number, b: number): number => Math.hypot(...Array.from({ length: JUDGE_DIM }, (_, k) => d[a * JUDGE_DIM + k] - d[b * JUDGE_DIM + k]));
    let right = 0;
    for (let i = 0; i < ids * per; i++) {
      let best = -1;
      for (let j = 0; j < ids * per; j++) if (j !== i && (best < 0 || dist(i, j) < dist(i, best))) best = j;
      if (Math.floor(best / per) === Math.floor(i / per)) right++;
    }
    expect(right / (ids * per)).toBeGreaterThan(0.6); // chance: 2/14
    x.dispose();
    judge.dispose();
  });
});
