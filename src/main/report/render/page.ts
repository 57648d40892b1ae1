/**
 * The whole report as one self-contained HTML string: inline CSS, inline SVG, images as data:
 * URIs, no script and no external request (a Content-Security-Policy forbids any). Pure.
 */
import type { ReportData } from '../model.ts';
import { esc, html } from './format.ts';
import { datasetSection, notesSection, section, softwareSection, threatSection, verdictOf, verdictsSection } from './sections.ts';
import { accuracyPrivacySection, attacksSection, scatterSection, weakKinds } from './tables.ts';

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
li.verdict.costly{border-left-color:#f0a500}li.verdict.costly .badge{background:#ffefc7}
li.reference{border-left-color:#5f6b85}
li.not-assessed,li.no-reference,li.inconclusive{border-left-color:#8a93a6}
svg{max-width:100%;height:auto;font-size:12px}svg .grid{stroke:#e8ebf1}svg .axis{font-size:13px;fill:#4a5366}
svg .front{fill:none;stroke:#1e8e3e;stroke-width:2;stroke-dasharray:6 4}svg .pt circle{fill:#5f6b85}svg .pt.on-front circle{fill:#1e8e3e}
svg .pt.partial circle{fill-opacity:.7}svg .pt text.num{fill:#fff;font-size:11px;font-weight:700}
table.faces td,table.faces th{text-align:center;vertical-align:middle;font-size:12px}table.faces tbody th{text-align:left;font-weight:normal}
table.faces img{display:block;width:60px;height:60px;image-rendering:pixelated}table.faces tr{break-inside:avoid}table.faces th,table.faces td{padding:2px 4px}
.grids{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}
li.verdict p.caveat{font-size:13px;color:#6b4a00}
.weak-attack{background:#fff6e5;border-left:6px solid #f0a500;padding:8px 12px;margin:14px 0 4px}.weak-note{font-size:13px;color:#6b4a00}sup.weak{color:#b06000}
.banner{background:#fbd9d7;border-left:6px solid #c5221f;padding:10px 14px;margin:12px 0;font-weight:600}
@media print{main{padding:0}h2,h3{break-after:avoid}.grids{display:block}.grids>div,section#software{break-inside:avoid}table,figure,li.verdict,.weak-attack{break-inside:avoid}table{font-size:10.5px}th,td{padding:2px 4px}}
`;

function cell(image: { caption: string; dataUri: string } | undefined, alt: string): string {
  return image ? `<td><img src="${esc(image.dataUri)}" alt="${esc(alt)}"></td>` : '<td class="na">none</td>';
}


const CAPTION_TITLES: Record<string, string> = {
  'masked sample': 'What a leaked masked training sample shows',
  reconstruction: 'Reconstruction from the masked training set',
  'white-box': 'White-box model inversion: the best reconstruction',
  'black-box': 'Black-box model inversion: the best reconstruction',
};

/** The picture kinds (captions): masked sample, then each attack, in CAPTION_TITLES order, others after. */
function captions(data: ReportData): string[] {
  const out: string[] = [];
  for (const g of data.grids) for (const p of g.perDefence) for (const i of p.images) if (!out.includes(i.caption)) out.push(i.caption);
  const order = Object.keys(CAPTION_TITLES);
  const rank = (c: string): number => (order.includes(c) ? order.indexOf(c) : order.length);
  return out.sort((a, b) => rank(a) - rank(b));
}

/** One table per picture kind: a row per person, its private photo, then one column per model that has that picture. */
function captionTable(data: ReportData, caption: string, weak: boolean): string {
  const labels = [...new Set(data.grids.flatMap((g) => g.perDefence.filter((p) => p.images.some((i) => i.caption === caption)).map((p) => p.label)))];
  const head = `<tr><th>person</th><th>private photo</th>${labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  const rows = data.grids.map((g) => {
    const cells = labels.map((l) => cell(g.perDefence.find((p) => p.label === l)?.images.find((i) => i.caption === caption), `${caption}, ${l}, ${g.identity}`));
    return `<tr><th>${esc(g.identity)}</th>${cell(g.privateFace, `private photo of ${g.identity}`)}${cells.join('')}</tr>`;
  });
  const title = CAPTION_TITLES[caption] ?? caption;
  const flag = weak ? ' <small class="weak-note">(this attack is too weak on the undefended model: see Attacks)</small>' : '';
  return `<div><h3>${esc(title)}${flag}</h3><table class="faces"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function reconstructionsSection(data: ReportData): string {
  const weak = weakKinds(data);
  const kindOf: Record<string, string> = { reconstruction: 'reconstruction', 'white-box': 'whitebox', 'black-box': 'blackbox' };
  const intro = '<p>For each private person: a real training photo, then, one table per picture kind, what each model gives away: a masked training sample (what a leaked export contains) and each attack\'s best reconstruction. The undefended model (<b>none</b>) shows what the attack recovers without a defence. If a picture looks like the photo on its left, that model did not hide that person.</p>';
  const note = data.gridNote ? `<p class="missing">${esc(data.gridNote)}</p>` : '';
  const tables = data.grids.length ? captions(data).map((c) => captionTable(data, c, weak.has(kindOf[c] ?? ''))) : [];
  return section('reconstructions', 'Reconstructions per person', html([intro, note, tables.length ? `<div class="grids">${tables.join('')}</div>` : '']));
}

function summary(data: ReportData): string {
  const counts = new Map<string, number>();
  for (const d of data.defences) if (d.defense !== 'none') counts.set(verdictOf(data, d).headline, (counts.get(verdictOf(data, d).headline) ?? 0) + 1);
  const parts = [...counts.entries()].map(([h, n]) => `"${h}" ${n} time${n === 1 ? '' : 's'}`);
  const defended = data.defences.filter((d) => d.defense !== 'none').length;
  return `${defended} defended model${defended === 1 ? '' : 's'} on ${data.privateIdentities} private people${parts.length ? `; verdicts: ${parts.join(', ')}` : ''}.`;
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

