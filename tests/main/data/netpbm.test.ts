import { describe, expect, it } from 'vitest';
import { readNetpbm } from '../../../src/main/data/ingest/netpbm.ts';

describe('the Netpbm reader', () => {
  it('reads binary PGM with a comment', () => {
    const img = readNetpbm(Buffer.concat([Buffer.from('P5\n# c\n2 2\n255\n'), Buffer.from([0, 64, 128, 255])]));
    expect(img).toMatchObject({ width: 2, height: 2, channels: 1 });
    expect([...img.data]).toEqual([0, 64, 128, 255]);
  });

  it('reads ASCII PPM and rescales maxval', () => {
    const img = readNetpbm(Buffer.from('P3 1 1 15\n15 0 5\n'));
    expect(img.channels).toBe(3);
    expect([...img.data]).toEqual([255, 0, 85]);
  });

  it('reads 16-bit PGM', () => {
    const img = readNetpbm(Buffer.concat([Buffer.from('P5 1 1 65535\n'), Buffer.from([0xff, 0xff])]));
    expect([...img.data]).toEqual([255]);
  });

  it('rejects truncated data with a reason', () => {
    expect(() => readNetpbm(Buffer.concat([Buffer.from('P5 4 4 255\n'), Buffer.from([1, 2, 3])]))).toThrow(/truncated/);
  });
});
