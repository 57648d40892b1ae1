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
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** a line appended to every progress line (the demo's step and whole-demo ETA); none when unset */
  status?: () => string | null;
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

/** In a pipe or log, a job prints at least this often while it reports progress (ms). */
export const HEARTBEAT_MS = 30_000;

function jobText(job: JobInfo): string {
  return job.phase ? `${job.label}, ${job.phase}` : job.label;
}

interface Printed {
  quarter: number;
  phase: string;
  total: number;
  done: number;
  at: number;
  finished: boolean;
}

/**
 * Renders job progress on stderr: a redrawn bar on a terminal; in a pipe or log a line per quarter
 * of each phase, at least one every HEARTBEAT_MS, and one when the job ends. `out.status` (the
 * demo's whole-run ETA) is appended to every line. `now`: milliseconds (tests inject it).
 */
export function progressPrinter(out: Output, now: () => number = () => performance.now()): (job: JobInfo) => void {
  const printed = new Map<string, Printed>();
  return (job) => {
    const frac = job.total > 0 ? job.done / job.total : 0;
    const finished = job.status !== 'running';
    const status = out.status?.();
    const tail = status ? ` | ${status}` : '';
    if (out.stderr.isTTY) {
      const width = 28;
      const filled = Math.round(frac * width);
      const bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`;
      // one terminal row at most: a wrapped line would not be redrawn in place
      const line = `${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${job.done}/${job.total} ${formatEta(job.etaSeconds)}${tail} | ${jobText(job)}`;
      out.stderr.write(`\r${out.stderr.columns ? line.slice(0, out.stderr.columns - 1) : line}\x1b[K`);
      if (finished) out.stderr.write('\n');
      return;
    }
    if (job.total === 0 && !finished) return;
    const prev = printed.get(job.id);
    const phase = job.phase ?? '';
    const quarter = Math.floor(frac * 4);
    const newPhase = !prev || prev.phase !== phase || prev.total !== job.total || job.done < prev.done;
    // the end of a phase: the next phase's first line or the job's last line says it
    if (!newPhase && !finished && job.done === job.total) return;
    const due = newPhase || (finished ? !prev.finished : quarter > prev.quarter || now() - prev.at >= HEARTBEAT_MS);
    if (!due) return;
    printed.set(job.id, { quarter, phase, total: job.total, done: job.done, at: now(), finished });
    out.stderr.write(`${jobText(job)}: ${job.done}/${job.total} ${finished ? job.status : formatEta(job.etaSeconds)}${tail}\n`);
  };
}
