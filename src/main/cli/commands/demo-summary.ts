/**
 * The demo's readable summary: the dataset, the comparison table, what was skipped and why, the
 * masked exports, and last, where the report is and how to open the studio on these results.
 */
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import type { ExportResponse } from '../../../shared/contract/api.ts';
import type { CompareResponse } from '../../../shared/domain/attack.ts';
import { compareTable } from './compare.ts';
import type { DemoAttack } from './demo-attacks.ts';
import { clock, type DemoRun, type StepTiming } from './demo-plan.ts';

export interface DemoSummaryInput {
  dataset: DatasetSummary;
  runs: DemoRun[];
  attacks: DemoAttack[];
  comparison: CompareResponse | null;
  exports: ExportResponse[];
  skipped: { defense: string; reason: string }[];
  report: string | null;
  pdf: string | null;
  pdfError: string | null;
  dataDir: string;
  elapsed: string;
  /** per step, in order (also in --json) */
  timings: StepTiming[];
}

/** Phase names shortened for the one-line breakdown. */
function shortPhase(phase: string): string {
  if (/GAN prior/i.test(phase)) return 'GAN prior';
  if (/judge/i.test(phase)) return 'judge';
  if (/conditional GAN/i.test(phase)) return 'cGAN';
  if (/decoder/i.test(phase)) return 'decoder';
  if (/latent/i.test(phase)) return 'inversion';
  if (/scoring the masked/i.test(phase)) return 'scoring masked';
  if (/scoring/i.test(phase)) return 'scoring';
  return phase;
}

/** "Where the time went": one line per step, its phases in brackets; reused or skipped steps say so. */
export function timingLines(timings: readonly StepTiming[]): string[] {
  const width = Math.max(0, ...timings.map((t) => t.label.length));
  return timings.map((t) => {
    const phases = t.phases.filter((p) => p.seconds >= 0.5).map((p) => `${shortPhase(p.phase)} ${clock(p.seconds)}`);
    const what = t.measured ? clock(t.seconds) : `${clock(t.seconds)} (reused or skipped)`;
    return `  ${t.label.padEnd(width)}  ${what.padStart(7)}${phases.length ? `  [${phases.join(', ')}]` : ''}`;
  });
}

function trainingLine(runs: DemoRun[]): string {
  return `Training: ${runs.map((r) => `${r.label} ${r.reused ? 'reused' : `${r.seconds}s`}`).join(', ')}.`;
}

export function demoSummary(s: DemoSummaryInput): string {
  const d = s.dataset;
  const lines = [
    `Dataset "${d.name}": ${d.identities} synthetic identities, ${d.images} images at ${d.size}x${d.size}; ${d.splits.private} private identities train the target models, ${d.splits.public} are public (the attacker's).`,
    '',
    s.comparison ? compareTable(s.comparison) : 'No run finished, so there is nothing to compare.',
    '',
    trainingLine(s.runs),
  ];
  if (s.attacks.length) lines.push(`Attacks: ${s.attacks.map((a) => `${a.kind} on ${s.runs.find((r) => r.runId === a.runId)?.label ?? a.runId} ${a.reused ? 'reused' : `${a.seconds}s`}`).join(', ')}.`);
  if (s.skipped.length) lines.push('', 'Not in this build yet, skipped:', ...s.skipped.map((k) => `  ${k.defense}: ${k.reason}`));
  if (s.attacks.length === 0) lines.push('', 'No attack ran, so the report measures no leak (it says so at the top).');
  if (s.exports.length) lines.push('', 'Masked training set (what other trainers may receive instead of faces):', ...s.exports.map((e) => `  ${e.format.padEnd(11)} ${e.samples} samples -> ${e.path}`));
  lines.push('', 'Where the time went (wall clock; in --json: "timings"):', ...timingLines(s.timings));
  lines.push('', `Done in ${s.elapsed}.`);
  if (s.pdfError) lines.push(`No PDF: ${s.pdfError}`);
  if (s.report) lines.push(`Report: ${s.report}${s.pdf ? `\n        ${s.pdf}` : ''}`, '  (one self-contained HTML file: open it in any browser, offline)');
  lines.push(`Open the studio on these results: npm run build && npx veil serve --data-dir ${JSON.stringify(s.dataDir).slice(1, -1)}`);
  return lines.join('\n');
}
