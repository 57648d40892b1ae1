import { describe, expect, it } from 'vitest';
import { axisTick } from '../../../src/renderer/src/lib/format.ts';

describe('chart axis ticks', () => {
  it('shows a learning rate of 3e-4 and its neighbours as distinct numbers, not all "0"', () => {
    const labels = [0.0001, 0.0002, 0.0003].map(axisTick);
    expect(labels).toEqual(['1e-4', '2e-4', '3e-4']);
    expect(axisTick(0.00025)).toBe('2.5e-4');
  });

  it('drops floating-point noise from ordinary ticks and keeps zero plain', () => {
    expect(axisTick(0.30000000000000004)).toBe('0.3');
    expect(axisTick(0.825)).toBe('0.825');
    expect(axisTick(200)).toBe('200');
    expect(axisTick(0)).toBe('0');
  });
});
