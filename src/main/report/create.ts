/**
 * Writes an audit report (DESIGN.md section 8): gathers the numbers, renders the pictures, turns
 * both into one self-contained HTML page, prints it to PDF when asked, writes the file atomically
 * and records it. Progress: gather, pictures (one unit per defended run), render, write.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ReadReportResponse, ReportResponse } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import { writeFileAtomic } from '../data/fs/atomic.ts';
import type { JobContext } from '../jobs/job-runner.ts';
import { versions } from '../platform/versions.ts';
import type { Store } from '../store/store.ts';
import { gatherReport, type ReportSelection } from './gather.ts';
import { buildGrids } from './images.ts';
import type { ReportData } from './model.ts';
import type { PdfPrinter } from './pdf.ts';
import { studioPrivacySource, type StudioPrivacy } from './privacy-source.ts';
import { renderReport } from './render/page.ts';

export interface ReportDeps {
  store: Store;
  dataDir: string;
  printPdf: PdfPrinter;
  /** privacy numbers and attack pictures (default: what the studio has measured) */
  privacy?: StudioPrivacy;
}

export interface CreateReportRequest extends ReportSelection {
  /** where to write: `.html` or `.pdf`; default: `reports/<dataset>-<time>.html` in the data directory */
  out?: string;
  /** also print the same build to this `.pdf` (printed before anything is written: a failure writes nothing) */
  pdf?: string;
}

export function reportFormat(out: string): 'html' | 'pdf' {
  const ext = extname(out).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.pdf') return 'pdf';
  throw new AppError('VALIDATION', `The report file must end in .html or .pdf (got "${out}").`);
}

/** A file-system refusal (permissions, a file where a folder should be, a full disk) as an IO error that says what to do. */
function cannotWrite(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code || err instanceof AppError) return err as Error;
  return new AppError('IO', `Cannot write the report to ${file} (${code}: ${(err as Error).message}). Choose a folder you can write to, with free space, and write the report again.`);
}

/** The report's data and HTML, without writing anything (the Compare view and tests use it). */
export async function buildReport(deps: ReportDeps, sel: ReportSelection, ctx: JobContext): Promise<{ data: ReportData; html: string }> {
  const privacy = deps.privacy ?? studioPrivacySource(deps.store);
  const gathered = gatherReport(deps.store, sel, privacy);
  const total = gathered.defences.length + 2;
  ctx.progress(1, total);
  const { grids, note } = await buildGrids({ store: deps.store, dataDir: deps.dataDir, signal: ctx.signal, samples: (id) => privacy.samples(id) }, gathered.dataset.id, gathered.defences);
  ctx.throwIfCancelled();
  ctx.progress(total - 1, total);
  const data: ReportData = { ...gathered, grids, gridNote: note, software: versions(), createdAt: new Date().toISOString() };
  return { data, html: renderReport(data) };
}

function defaultOut(dataDir: string, data: ReportData): string {
  const stamp = data.createdAt.replace(/[-:]/g, '').slice(0, 15);
  const name = data.dataset.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  return join(dataDir, 'reports', `${name}-${stamp}.html`);
}

export async function createReport(deps: ReportDeps, req: CreateReportRequest, ctx: JobContext): Promise<ReportResponse> {
  if (req.out) reportFormat(req.out);
  if (req.pdf && reportFormat(req.pdf) !== 'pdf') throw new AppError('VALIDATION', `The PDF file must end in .pdf (got "${req.pdf}").`);
  const { data, html } = await buildReport(deps, req, ctx);
  const path = resolve(req.out ?? defaultOut(deps.dataDir, data));
  const format = reportFormat(path);
  const pdfPath = req.pdf ? resolve(req.pdf) : null;
  const pdf = format === 'pdf' || pdfPath ? await deps.printPdf(html) : null;
  ctx.throwIfCancelled();
  const runs = data.defences.map((d) => d.runId);
  const record = async (file: string, bytes: string | Uint8Array): Promise<string> => {
    await writeFileAtomic(file, bytes).catch((err: unknown) => {
      throw cannotWrite(file, err);
    });
    const reportId = `rep_${randomBytes(5).toString('hex')}`;
    deps.store.reports.insert({ id: reportId, path: file, runs, createdAt: data.createdAt });
    return reportId;
  };
  const reportId = await record(path, format === 'pdf' ? pdf! : html);
  if (pdfPath) await record(pdfPath, pdf!);
  ctx.progress(1, 1);
  return { reportId, path, format, runs, ...(pdfPath ? { pdfPath } : {}) };
}

/** The page of a recorded HTML report (the studio in a browser opens it in a tab). */
export async function readReport(store: Store, reportId: string): Promise<ReadReportResponse> {
  const r = store.reports.get(reportId);
  if (!r) throw new AppError('NOT_FOUND', `No report "${reportId}". List reports with reports.list, or write one with veil report.`);
  if (reportFormat(r.path) !== 'html') throw new AppError('UNSUPPORTED', `Report ${reportId} is a PDF (${r.path}); open it with a PDF viewer, or write an HTML report to read it here.`);
  try {
    return { reportId, path: r.path, html: await readFile(r.path, 'utf8') };
  } catch (err) {
    throw new AppError('NOT_FOUND', `The report file ${r.path} is gone (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}). Write it again with veil report.`);
  }
}
