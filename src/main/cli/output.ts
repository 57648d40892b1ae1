/**
 * CLI output: exit codes from error codes (CLI.md), the one-JSON-document rule for --json,
 * a progress bar with ETA on stderr fed by job events, and readable summaries.
 */
import { detailLines, type ErrorCode, type ErrorInfo } from '../../shared/contract/errors.ts';
import type { JobInfo } from '../../shared/domain/job.ts';

export const EXIT: Record<ErrorCode, number> = {
  VALIDATION: 2,
  UNKNOWN_METHOD: 2,
  CONFLICT: 2,
  UNSUPPORTED: 2,
  NOT_FOUND: 3,
  IO: 4,
  CANCELLED: 5,
  UNAUTHORIZED: 1,
  FORBIDDEN_HOST: 1,
  PAYLOAD_TOO_LARGE: 2,
  ENGINE_NAN_LOSS: 1,
  INTERNAL: 1,
};

export interface Output {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function printResult(out: Output, value: unknown, human: () => string): void {
  if (out.json) out.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else out.stdout.write(`${human()}\n`);
}

/** A fraction as a percentage with one decimal (`0.9888` -> `98.9%`); `missing` for null. */
export function percent(v: number | null, missing = 'n/a'): string {
  return v === null ? missing : `${(v * 100).toFixed(1)}%`;
}

/** Text mode lists this many lines of an error's details, then how many more `--json` has. */
export const DETAIL_LINES_SHOWN = 20;

export function printError(out: Output, error: ErrorInfo): number {
  if (out.json) out.stdout.write(`${JSON.stringify({ ok: false, error })}\n`);
  else {
    out.stderr.write(`veil: ${error.message}\n`);
    const lines = detailLines(error.details);
    for (const line of lines.slice(0, DETAIL_LINES_SHOWN)) out.stderr.write(`  ${line}\n`);
    const more = lines.length - DETAIL_LINES_SHOWN;
    if (more > 0) out.stderr.write(`  ... and ${more} more line(s); run with --json for the whole report.\n`);
  }
  return EXIT[error.code];
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `ETA ${seconds}s`;
  return `ETA ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Renders job progress on stderr: a redrawn bar on a terminal, a line per quarter otherwise. */
export function progressPrinter(out: Output): (job: JobInfo) => void {
  const lastQuarter = new Map<string, number>();
  return (job) => {
    const frac = job.total > 0 ? job.done / job.total : 0;
    const finished = job.status !== 'running';
    if (out.stderr.isTTY) {
      const width = 28;
      const filled = Math.round(frac * width);
      const bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`;
      out.stderr.write(`\r${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${job.done}/${job.total} ${formatEta(job.etaSeconds)} ${job.label}\x1b[K`);
      if (finished) out.stderr.write('\n');
      return;
    }
    const quarter = finished ? 4 : Math.floor(frac * 4);
    if ((lastQuarter.get(job.id) ?? -1) >= quarter) return;
    lastQuarter.set(job.id, quarter);
    if (job.total > 0 || finished) out.stderr.write(`${job.label}: ${job.done}/${job.total} ${finished ? job.status : formatEta(job.etaSeconds)}\n`);
  };
}
