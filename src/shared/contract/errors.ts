/**
 * The error envelope that crosses every process boundary (IPC, HTTP, worker, CLI).
 * Owns the closed set of error codes and the Result type; it does not decide HTTP status codes
 * or exit codes (the transports map codes to those).
 */

/** Closed set of error codes. Messages always say what to do next. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN_HOST',
  'PAYLOAD_TOO_LARGE',
  'CANCELLED',
  'IO',
  'ENGINE_NAN_LOSS',
  'UNSUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What a failed call returns: a code from the closed set and a human, actionable message. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** Every call's outcome: `{ ok: true, value }` or `{ ok: false, error }`. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Thrown inside handlers and services; translated to an envelope at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code, message } };
}

/** Translates anything thrown into an envelope; unknown errors become INTERNAL with their message. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}. Please report it with the steps that led here.` };
}
