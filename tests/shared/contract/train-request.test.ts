/** The `runs.train` request's defaults: the pretrained backbone unless the request says scratch (issue #15). */
import { describe, expect, it } from 'vitest';
import { runsTrain } from '../../../src/shared/contract/schemas.ts';

describe('runs.train request', () => {
  it('fine-tunes the pretrained backbone when the request names none', () => {
    expect(runsTrain.parse({ dataset: 'faces', defense: 'none' })).toMatchObject({ backbone: 'pretrained', profile: 'standard', seed: 1 });
  });

  it('keeps an explicit choice, scratch included, and refuses a malformed name', () => {
    expect(runsTrain.parse({ dataset: 'faces', defense: 'ppfr-fd', backbone: 'scratch' }).backbone).toBe('scratch');
    expect(runsTrain.parse({ dataset: 'faces', defense: 'ppfr-fd', backbone: 'mobileface' }).backbone).toBe('mobileface');
    expect(runsTrain.safeParse({ dataset: 'faces', defense: 'none', backbone: 'Not A Name' }).success).toBe(false);
  });
});
