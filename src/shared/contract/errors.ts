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

/** A file that was not used, and why in plain words (paths relative to the folder named in the message). */
export interface DetailFile {
  path: string;
  reason: string;
}

/** An identity (person folder) that was left out, and why. */
export interface DetailIdentity {
  name: string;
  reason: string;
}

/**
 * The report behind an error whose message refers to it ("see the report"): plain JSON, every
 * field optional. Transports pass it through unchanged; the CLI and the UI list it.
 */
export interface ErrorDetails {
  /** files that could not be used, with the reason */
  skipped?: DetailFile[];
  /** identities left out, with the reason */
  droppedIdentities?: DetailIdentity[];
  /** groups of files with identical content: the first path of each group is the copy that counts */
  duplicates?: string[][];
}

/** What a failed call returns: a code from the closed set, a human, actionable message and, where the message refers to one, its report. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** Every call's outcome: `{ ok: true, value }` or `{ ok: false, error }`. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Thrown inside handlers and services; translated to an envelope at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  /** Rebuilds the error from an envelope that crossed a boundary, keeping its details. */
  static from(info: ErrorInfo): AppError {
    return new AppError(info.code, info.message, info.details);
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code, message } };
}

/** A failed system call (Node's system errors carry `code`, e.g. ENOSPC, and `syscall`): the disk or a path refused, not a bug. */
function isSystemError(err: unknown): err is Error & { code: string; syscall: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && typeof (err as { syscall?: unknown }).syscall === 'string';
}

/**
 * Translates anything thrown into an envelope: a failed system call (full disk, no permission, a
 * missing or misplaced path) becomes IO with what to check; other unknown errors become INTERNAL.
 */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  if (isSystemError(err)) return { code: 'IO', message: `${err.message}. Check that the path exists, that it can be read and written, and that the disk has free space, then try again.` };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}. Please report it with the steps that led here.` };
}

/**
 * The details as plain lines, grouped with a heading per kind (shared by the CLI's text mode and
 * the UI, so both list the same report). Empty when there are none.
 */
export function detailLines(details: ErrorDetails | undefined): string[] {
  if (!details) return [];
  const lines: string[] = [];
  const section = (title: string, items: string[]): void => {
    if (items.length > 0) lines.push(`${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  section('Files not used', (details.skipped ?? []).map((f) => `${f.path}: ${f.reason}`));
  section('Identities left out', (details.droppedIdentities ?? []).map((i) => `${i.name}: ${i.reason}`));
  section('Duplicate files', (details.duplicates ?? []).map((g) => `${g.slice(1).join(', ')}: same content as ${g[0]}`));
  return lines;
}
