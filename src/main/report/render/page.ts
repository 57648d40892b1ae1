/**
 * The whole report as one self-contained HTML string: inline CSS, inline SVG, images as data:
 * URIs, no script and no external request (a Content-Security-Policy forbids any). Pure.
 */
import type { ReportData } from '../model.ts';
import { esc, html } from './format.ts';
import { datasetSection, notesSection, section, softwareSection, threatSection, verdictOf, verdictsSection } from './sections.ts';
import { accuracyPrivacySection, attacksSection, scatterSection } from './tables.ts';

/** Section ids in page order (the end-to-end test checks each is present). */
export const SECTION_IDS = ['verdicts', 'dataset', 'threat-model', 'accuracy-privacy', 'attacks', 'scatter', 'reconstructions', 'software'] as const;

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;background:#fff}
main{max-width:1040px;margin:0 auto;padding:28px 32px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:34px 0 10px;padding-top:10px;border-top:2px solid #e3e7ee}h3{font-size:16px;margin:18px 0 6px}
.lede{color:#4a5366;margin:0 0 14px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d7dce5;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f2f4f8}table.numbers td{text-align:right}table.numbers td:first-child{text-align:left}
table.facts th{background:#f7f8fb;width:190px}
.na{color:#8a93a6}.missing{background:#fff6e5;border-left:4px solid #f0a500;padding:8px 12px}
.small,small{font-size:12px;color:#4a5366}
ul.verdicts{list-style:none;padding:0}li.verdict{border:1px solid #d7dce5;border-left-width:6px;border-radius:4px;padding:8px 12px;margin:8px 0}
li.verdict p{margin:4px 0 0}.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;background:#e3e7ee}
li.protects{border-left-color:#1e8e3e}li.protects .badge{background:#d4f0dc}
li.partial{border-left-color:#f0a500}li.partial .badge{background:#ffefc7}
li.no-protection{border-left-color:#c5221f}li.no-protection .badge{background:#fbd9d7}
li.reference{border-left-color:#5f6b85}
li.not-assessed,li.no-reference,li.inconclusive{border-left-color:#8a93a6}
svg{max-width:100%;height:auto;font-size:12px}svg .grid{stroke:#e8ebf1}svg .axis{font-size:13px;fill:#4a5366}
svg .front{fill:none;stroke:#1e8e3e;stroke-width:2;stroke-dasharray:6 4}svg .pt circle{fill:#5f6b85}svg .pt.on-front circle{fill:#1e8e3e}
svg .pt.partial circle{fill-opacity:.55}
table.faces td,table.faces th{text-align:center;vertical-align:middle;font-size:12px}table.faces tbody th{text-align:left;font-weight:normal}
table.faces img{display:block;width:72px;height:72px;image-rendering:pixelated}table.faces tr{break-inside:avoid}
.banner{background:#fbd9d7;border-left:6px solid #c5221f;padding:10px 14px;margin:12px 0;font-weight:600}
@media print{main{padding:0}h2{break-after:avoid}table,figure,li.verdict{break-inside:avoid}table{font-size:10.5px}th,td{padding:2px 4px}}
`;

function cell(image: { caption: string; dataUri: string } | undefined, alt: string): string {
  return image ? `<td><img src="${esc(image.dataUri)}" alt="${esc(alt)}"></td>` : '<td class="na">none</td>';
}

/** Columns: the private photo, then per defence the captions its pictures carry (masked sample, each attack). */
function gridColumns(data: ReportData): { label: string; captions: string[] }[] {
  const cols: { label: string; captions: string[] }[] = [];
  for (const g of data.grids) {
    for (const p of g.perDefence) {
      let col = cols.find((c) => c.label === p.label);
      if (!col) cols.push((col = { label: p.label, captions: [] }));
      for (const i of p.images) if (!col.captions.includes(i.caption)) col.captions.push(i.caption);
    }
  }
  return cols;
}

export function reconstructionsSection(data: ReportData): string {
  const cols = gridColumns(data);
  const head1 = `<tr><th rowspan="2">person</th><th rowspan="2">private photo</th>${cols.map((c) => `<th colspan="${c.captions.length}">${esc(c.label)}</th>`).join('')}</tr>`;
  const head2 = `<tr>${cols.flatMap((c) => c.captions.map((cap) => `<th>${esc(cap)}</th>`)).join('')}</tr>`;
  const rows = data.grids.map((g) => {
    const cells = cols.flatMap((c) => {
      const images = g.perDefence.find((p) => p.label === c.label)?.images ?? [];
      return c.captions.map((cap) => cell(images.find((i) => i.caption === cap), `${cap}, ${c.label}, ${g.identity}`));
    });
    return `<tr><th>${esc(g.identity)}</th>${cell(g.privateFace, `private photo of ${g.identity}`)}${cells.join('')}</tr>`;
  });
  const intro = '<p>For each private person: a real training photo, then for each defence what a masked training sample shows (what a leaked export contains) and each attack\'s best reconstruction. If a picture on the right looks like the photo on the left, the defence did not hide that person.</p>';
  const note = data.gridNote ? `<p class="missing">${esc(data.gridNote)}</p>` : '';
  const table = rows.length ? `<table class="faces"><thead>${head1}${head2}</thead><tbody>${rows.join('')}</tbody></table>` : '';
  return section('reconstructions', 'Reconstructions per person', html([intro, note, table]));
}

function summary(data: ReportData): string {
  const counts = new Map<string, number>();
  for (const d of data.defences) if (d.defense !== 'none') counts.set(verdictOf(data, d).headline, (counts.get(verdictOf(data, d).headline) ?? 0) + 1);
  const parts = [...counts.entries()].map(([h, n]) => `${n} ${h.toLowerCase()}`);
  const defended = data.defences.filter((d) => d.defense !== 'none').length;
  return `${defended} defended model${defended === 1 ? '' : 's'} on ${data.privateIdentities} private people${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

/** A warning at the top when no attack was run: without one, every defence looks safe. */
function banner(data: ReportData): string {
  if (data.defences.some((d) => d.attacks.some((a) => a.acc1 !== null))) return '';
  return '<p class="banner">No attack has been run on these models, so this report measures no leak. Do not file it as a privacy assessment: every defence looks safe when nothing attacks it.</p>';
}

export function renderReport(data: ReportData): string {
  return html([
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(data.title)}</title><style>${CSS}</style></head><body><main>`,
    `<h1>${esc(data.title)}</h1>`,
    `<p class="lede">Dataset "${esc(data.dataset.name)}", written ${esc(data.createdAt.slice(0, 16).replace('T', ' '))} UTC by Veil Studio ${esc(data.software.studio)}. ${esc(summary(data))}</p>`,
    banner(data),
    verdictsSection(data),
    datasetSection(data),
    threatSection(data),
    accuracyPrivacySection(data),
    attacksSection(data),
    scatterSection(data),
    reconstructionsSection(data),
    softwareSection(data),
    notesSection(data),
    '</main></body></html>',
  ]);
}

