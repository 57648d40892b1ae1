import { describe, expect, it } from 'vitest';
import { renderReport, SECTION_IDS } from '../../../src/main/report/render/page.ts';
import { paretoFront, scatterSvg } from '../../../src/main/report/render/scatter.ts';
import { spread } from '../../../src/main/report/render/format.ts';
import { attack, entry, reportData } from './fixtures.ts';
import type { DefenceEntry } from '../../../src/main/report/model.ts';

describe('the report page', () => {
  const page = renderReport(reportData());

  it('has every section, in order', () => {
    const positions = SECTION_IDS.map((id) => page.indexOf(`<section id="${id}">`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('requests nothing from outside the file: no script, no link, no remote source, and a CSP that forbids them', () => {
    expect(page).not.toMatch(/<script|<link|<iframe|url\(|src="(?!data:)|href=/i);
    expect(page).toContain(`default-src 'none'; img-src data:`);
  });

  it('keeps a "too weak to show anything" box on one printed page (regression: the PDF split it between pages 3 and 4)', () => {
    const print = /@media print\{([\s\S]*?)\}\}/.exec(page)?.[1] ?? '';
    const avoid = [...print.matchAll(/([^{}]+)\{break-inside:avoid\}/g)].flatMap((m) => m[1].split(','));
    expect(avoid).toContain('.weak-attack');
  });

  it('escapes names that come from users', () => {
    expect(page).toContain('&lt;faces&gt;');
    expect(page).not.toContain('<faces>');
  });

  it('shows unmeasured numbers as n/a and marks partial privacy scores', () => {
    // ppfr-fd: three accuracies measured; TAR@1e-3, Score_cls (no computed ratio in the data), S1-S4 and Score_pp not
    expect(page).toMatch(/<td>ppfr-fd<\/td><td>1<\/td>(?:<td>[^<]*<\/td>){3}(?:<td><span class="na"[^>]*>n\/a<\/span><\/td>){8}<\/tr>/);
    expect(page).toContain('0.830<sup');
  });

  it('states a verdict per defence with the rule that produced it', () => {
    expect(page).toContain('recognised 2 of 12 people (white-box model inversion), against 9 of 12 people without the defence, at a cost of 2.0 points');
    expect(page).toContain('How the verdict is reached');
    expect(page.match(/<li class="verdict /g)).toHaveLength(4);
  });

  it('shows the spread over seeds of a defence trained more than once', () => {
    expect(page).toContain('Spread over seeds');
    expect(page).toContain('89.0% ± 1.4 <small>(2 seeds)</small>');
  });

  it('warns at the top when no attack was run', () => {
    const data = reportData();
    const bare = renderReport({ ...data, defences: data.defences.map((d) => ({ ...d, attacks: [], scorePp: null })) });
    expect(bare).toContain('class="banner"');
    expect(bare).toContain('the scatter cannot be drawn');
    expect(page).not.toContain('class="banner"');
  });

  it('numbers the scatter\'s points and names each in a legend, marking the Pareto front', () => {
    const legend = page.slice(page.indexOf('<ol class="legend">'), page.indexOf('</ol>', page.indexOf('<ol class="legend">')));
    expect(legend.match(/<li /g)).toHaveLength(3);
    expect(legend).toContain('<b>adaptive</b>: 90.0% identification, Score_pp 0.830 (partial), on the Pareto front');
  });

  it('lays the pictures out one table per picture kind, the undefended model beside each defence, so each fits a page', () => {
    const faces = page.match(/<table class="faces">.*?<\/table>/gs) ?? [];
    expect(faces).toHaveLength(2);
    expect(faces[0]).toContain('<th>person</th><th>private photo</th><th>adaptive</th></tr>');
    expect(faces[1]).toContain('<th>person</th><th>private photo</th><th>none</th><th>adaptive</th></tr>');
    expect(page).toContain('What a leaked masked training sample shows');
    expect(page.match(/<img /g)).toHaveLength(5);
  });

  it('flags plainly an attack that fails on the undefended model, and the scores and verdicts resting on it', () => {
    const weak = renderReport(
      reportData({
        defences: [
          entry({ runId: 'r-none', defense: 'none', attacks: [attack('whitebox', 1 / 12), attack('reconstruction', 1)], s3: 0.92, scorePp: 0.5 }),
          entry({ runId: 'r-a1', defense: 'adaptive', attacks: [attack('whitebox', 0), attack('reconstruction', 1 / 12)], s3: 1, scorePp: 0.9 }),
        ],
      }),
    );
    expect(weak).toContain('<b>Too weak to show anything:</b> on the undefended model the white-box model inversion attack recognised 1 of 12 people');
    expect(weak).toContain('1.000<sup class="weak"');
    expect(weak).toContain('Not counted, too weak on the undefended model to show anything (at most 2 times chance): white-box model inversion (1 of 12 people).');
    expect(weak).toContain('So this verdict is about a leaked masked training set only');
    expect(weak).toContain('An attacker holding its masked training set recognised 1 of 12 people');
    expect(page).not.toContain('Too weak to show anything');
  });

  /** A scratch `none` whose white-box attack is strong and a pretrained one whose attack is weak, each with its adaptive run. */
  const scratchAndPretrained = (defended: Partial<DefenceEntry> = {}): DefenceEntry[] => [
    entry({ runId: 'r-none', defense: 'none', attacks: [attack('whitebox', 0.75)] }),
    entry({ runId: 'r-none-pre', defense: 'none', label: 'none pretrained', attacks: [attack('whitebox', 1 / 12)] }),
    entry({ runId: 'r-a', defense: 'adaptive', attacks: [attack('whitebox', 0)], ...defended }),
    entry({ runId: 'r-a-pre', defense: 'adaptive', label: 'adaptive pretrained', referenceRunId: 'r-none-pre', attacks: [attack('whitebox', 0)], ...defended }),
  ];

  it("judges an attack's strength on each defended row's own undefended run, not on the first one (regression: scratch and pretrained none runs)", () => {
    const attacks = renderReport(
      reportData({ defences: [...scratchAndPretrained(), entry({ runId: 'r-dp', defense: 'dp-sgd', referenceRunId: null, attacks: [attack('whitebox', 0)] })] }),
    ).match(/<section id="attacks">.*?<\/section>/s)![0];
    const notes = attacks.match(/<p class="weak-attack">.*?<\/p>/g) ?? [];
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('<b>Too weak to show anything for adaptive pretrained:</b> on their undefended model (run r-none-pre) the white-box model inversion attack recognised 1 of 12 people');
    expect(notes[1]).toContain('Strength unknown for dp-sgd: no undefended run matches them');
  });

  it("marks a row's S3 as resting on a weak attack only when its own undefended run's attack is weak (regression)", () => {
    const table = renderReport(reportData({ defences: scratchAndPretrained({ s3: 1 }) })).match(/<section id="accuracy-privacy">.*?<\/section>/s)![0];
    const row = (label: string): string => table.match(new RegExp(`<tr><td>${label}</td>.*?</tr>`))![0];
    expect(row('adaptive')).toContain('<td>1.000</td>');
    expect(row('adaptive')).not.toContain('class="weak"');
    expect(row('adaptive pretrained')).toContain('1.000<sup class="weak"');
  });
});

describe('the privacy-vs-accuracy scatter', () => {
  const p = (label: string, accuracy: number, privacy: number) => ({ label, accuracy, privacy, partial: false });

  it('keeps on the Pareto front only the points no other beats on both axes', () => {
    const front = paretoFront([p('a', 0.9, 0.2), p('b', 0.8, 0.6), p('c', 0.7, 0.5), p('d', 0.6, 0.9)]);
    expect(front.map((x) => x.label)).toEqual(['d', 'b', 'a']);
  });

  it('draws a point per model and a line through the front', () => {
    const svg = scatterSvg([p('a', 0.9, 0.2), p('b', 0.8, 0.6), p('c', 0.7, 0.5)]);
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain('<polyline class="front"');
    expect(scatterSvg([])).toBe('');
  });
});

describe('spread over seeds', () => {
  it('is the mean and the sample standard deviation of the measured values', () => {
    const s = spread([0.9, 0.88, null])!;
    expect(s.n).toBe(2);
    expect(s.mean).toBeCloseTo(0.89, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.0002), 12);
    expect(spread([null])).toBeNull();
  });
});

describe('defence labels', () => {
  it('name the fixed k of a mixing defence from its frozen config, and nothing else', async () => {
    const { defenceLabel } = await import('../../../src/main/report/gather.ts');
    expect(defenceLabel({ defense: 'freq-mixup', config: { defence: { mixing: { k: 3 } } } })).toBe('freq-mixup k=3');
    expect(defenceLabel({ defense: 'adaptive', config: { defence: { mixing: { k: 'policy' } } } })).toBe('adaptive');
    expect(defenceLabel({ defense: 'ppfr-fd', config: {} })).toBe('ppfr-fd');
  });
});
