import { describe, expect, it } from 'vitest';
import { AppError, detailLines, toErrorInfo } from '../../../src/shared/contract/errors.ts';

describe('the error envelope', () => {
  it('carries an AppError\'s details, and leaves the field out when there are none', () => {
    const details = { skipped: [{ path: 'a/1.jpg', reason: 'empty file' }] };
    expect(toErrorInfo(new AppError('VALIDATION', 'see the report', details))).toEqual({ code: 'VALIDATION', message: 'see the report', details });
    expect(Object.keys(toErrorInfo(new AppError('NOT_FOUND', 'gone')))).toEqual(['code', 'message']);
  });

  it('reports a failed system call (a full disk) as IO that says what to check, not as an unexpected error to report', () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    expect(toErrorInfo(full)).toEqual({ code: 'IO', message: expect.stringMatching(/^ENOSPC: no space left on device, write\. Check that the path exists, .* the disk has free space/) });
    // a programming error with a code but no system call stays INTERNAL
    expect(toErrorInfo(Object.assign(new TypeError('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' })).code).toBe('INTERNAL');
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
