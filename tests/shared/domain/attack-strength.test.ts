import { describe, expect, it } from 'vitest';
import { isRecognised, peopleRecognisedBy, tooWeak } from '../../../src/shared/domain/attack-strength.ts';

describe('attack strength (the report’s rule, shared with the studio)', () => {
  it('counts a person as recognised only when the judge names them for more than half of their reconstructions', () => {
    expect(isRecognised(0.5)).toBe(false);
    expect(isRecognised(0.51)).toBe(true);
    expect(peopleRecognisedBy({ acc1: 0.5, chance: 1 / 3, perIdentity: [{ acc1: 0.5 }, { acc1: 1 }, { acc1: 0 }] })).toEqual({ recognised: 1, of: 3 });
  });

  it('falls back to Acc@1 times the people (1 / chance) without per-person scores', () => {
    expect(peopleRecognisedBy({ acc1: 0.1, chance: 1 / 30, perIdentity: [] })).toEqual({ recognised: 3, of: 30 });
  });

  it('calls an attack too weak when it recognises at most twice chance: 2 of 30, not 3 of 30', () => {
    expect(tooWeak({ recognised: 2, of: 30 })).toBe(true);
    expect(tooWeak({ recognised: 3, of: 30 })).toBe(false);
  });
});
