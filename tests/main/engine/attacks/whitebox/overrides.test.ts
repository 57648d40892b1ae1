import { describe, expect, it } from 'vitest';
import { recordedOverrides } from '../../../../../src/main/engine/attacks/whitebox/run.ts';

describe("the white-box attack's record of its benchmark overrides", () => {
  it('records nothing (null) when VEIL_WHITEBOX_OVERRIDES is unset, empty or blank, and the JSON as given otherwise', () => {
    expect(recordedOverrides({})).toBeNull();
    expect(recordedOverrides({ VEIL_WHITEBOX_OVERRIDES: '' })).toBeNull();
    expect(recordedOverrides({ VEIL_WHITEBOX_OVERRIDES: '  ' })).toBeNull();
    expect(recordedOverrides({ VEIL_WHITEBOX_OVERRIDES: '{"whitebox":{"steps":100}}' })).toBe('{"whitebox":{"steps":100}}');
  });
});
