import { describe, expect, it } from 'vitest';
import { AppError, detailLines, toErrorInfo } from '../../../src/shared/contract/errors.ts';

describe('the error envelope', () => {
  it('carries an AppError\'s details, and leaves the field out when there are none', () => {
    const details = { skipped: [{ path: 'a/1.jpg', reason: 'empty file' }] };
    expect(toErrorInfo(new AppError('VALIDATION', 'see the report', details))).toEqual({ code: 'VALIDATION', message: 'see the report', details });
    expect(Object.keys(toErrorInfo(new AppError('NOT_FOUND', 'gone')))).toEqual(['code', 'message']);
  });

  it('rebuilds an AppError from an envelope with its details', () => {
    const info = { code: 'VALIDATION' as const, message: 'm', details: { duplicates: [['a', 'b']] } };
    expect(toErrorInfo(AppError.from(info))).toEqual(info);
  });

  it('lists details as headed lines, one per item, skipping empty kinds', () => {
    expect(
      detailLines({
        skipped: [{ path: 'x/1.png', reason: 'empty file' }],
        droppedIdentities: [],
        duplicates: [['k/1.jpg', 'k/2.jpg', 'm/3.jpg']],
      }),
    ).toEqual(['Files not used (1):', '  x/1.png: empty file', 'Duplicate files (1):', '  k/2.jpg, m/3.jpg: same content as k/1.jpg']);
    expect(detailLines(undefined)).toEqual([]);
  });
});
