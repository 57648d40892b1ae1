/**
 * The demo's readable summary: the dataset, the comparison table, what was skipped and why, the
 * masked exports, and last, where the report is and how to open the studio on these results.
 */
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import type { ExportResponse } from '../../../shared/contract/api.ts';
import { percent } from '../output.ts';
import type { DemoRun } from './demo-plan.ts';

export interface DemoSummaryInput {
  dataset: DatasetSummary;
  runs: DemoRun[];
  attacks: unknown[];
  exports: ExportResponse[];
  skipped: { defense: string; reason: string }[];
  report: string | null;
  pdf: string | null;
  pdfError: string | null;
  dataDir: string;
  elapsed: string;
}

function table(runs: DemoRun[]): string[] {
  const none = runs.find((r) => r.defense === 'none');
  const header = 'defence        identification  verification  TAR@FAR=1e-2  Score_cls  seconds';
  return [
    header,
    ...runs.map((r) => {
      const cls = none && none.accuracy.identification > 0 ? (r.accuracy.identification / none.accuracy.identification).toFixed(3) : 'n/a';
      const secs = r.reused ? 'reused' : String(r.seconds);
      return `${r.label.padEnd(14)} ${percent(r.accuracy.identification).padStart(14)}  ${percent(r.accuracy.verification).padStart(12)}  ${percent(r.accuracy.tarAtFar1e2).padStart(12)}  ${cls.padStart(9)}  ${secs.padStart(7)}`;
    }),
  ];
}

export function demoSummary(s: DemoSummaryInput): string {
  const d = s.dataset;
  const lines = [
    `Dataset "${d.name}": ${d.identities} synthetic identities, ${d.images} images at ${d.size}x${d.size}; ${d.splits.private} private identities train the target models, ${d.splits.public} are public (the attacker's).`,
    '',
    ...table(s.runs),
    '(Score_cls: identification accuracy divided by the undefended model\'s.)',
  ];
  if (s.skipped.length) lines.push('', 'Not in this build yet, skipped:', ...s.skipped.map((k) => `  ${k.defense}: ${k.reason}`));
  if (s.attacks.length === 0) lines.push('', 'Attacks: none in this build yet, so the report measures no leak (it says so at the top).');
  if (s.exports.length) lines.push('', 'Masked training set (what other trainers may receive instead of faces):', ...s.exports.map((e) => `  ${e.format.padEnd(11)} ${e.samples} samples -> ${e.path}`));
  lines.push('', `Done in ${s.elapsed}.`);
  if (s.pdfError) lines.push(`No PDF: ${s.pdfError}`);
  if (s.report) lines.push(`Report: ${s.report}${s.pdf ? `\n        ${s.pdf}` : ''}`, '  (one self-contained HTML file: open it in any browser, offline)');
  lines.push(`Open the studio on these results: npm run build && npx veil serve --data-dir ${JSON.stringify(s.dataDir).slice(1, -1)}`);
  return lines.join('\n');
}
