/**
 * Small in-memory TrainData from the synthetic generator, for engine tests (no store needed).
 */
import { renderFace } from '../../src/main/data/synth/face-generator.ts';
import type { TrainData } from '../../src/main/engine/train/data.ts';

export function synthTrainData(ids = 8, per = 6, size = 32, channels: 1 | 3 = 1): TrainData {
  const stride = size * size * channels;
  const pixels = new Uint8Array(ids * per * stride);
  const train: TrainData['train'] = [];
  const heldout: TrainData['heldout'] = [];
  for (let i = 0; i < ids; i++)
    for (let j = 0; j < per; j++) {
      const row = i * per + j;
      pixels.set(renderFace(5, i, j, { size, channels }), row * stride);
      (j < per - 2 ? train : heldout).push({ row, label: i });
    }
  return { pixels, size, channels, train, heldout, classes: ids };
}
