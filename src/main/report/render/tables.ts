/**
 * The report's number sections as pure functions of `ReportData`: accuracy and privacy per run,
 * spread over seeds, each attack beside the same attack on the undefended model, and the scatter.
 */
import type { AttackResult, DefenceEntry, ReportData } from '../model.ts';
import { attackName, isWeak, peopleRecognised, WEAK_ATTACK_CHANCE_MULTIPLE } from '../verdict.ts';
import { esc, html, MISSING, num, pct, pctSpread, spread } from './format.ts';
import { paretoFront, scatterSvg, type ScatterPoint } from './scatter.ts';
import { referenceOf, section } from './sections.ts';

function scorePp(d: DefenceEntry): string {
  return d.scorePp === null ? MISSING : `${d.scorePp.toFixed(3)}${d.scorePpPartial ? '<sup title="partial: computed over fewer than the four S scores">*</sup>' : ''}`;
}

function ratio(v: number | null | undefined): string {
  return v === null || v === undefined ? MISSING : v.toFixed(3);
}

/** The attack kinds measured too weak on the undefended model (at most twice chance there): their scores say little. */
export function weakKinds(data: ReportData): Set<string> {
  return new Set(data.defences.filter((d) => d.defense === 'none').flatMap((d) => weakOn(data, d)));
}

/** The kinds of the attacks measured on `none` that recognised at most twice chance there. */
function weakOn(data: ReportData, none: DefenceEntry): string[] {
  return none.attacks.filter((a) => a.acc1 !== null && isWeak(a, data.privateIdentities)).map((a) => a.kind);
}

/**
 * The attack kinds too weak on the undefended run that speaks for this row (a `none` row speaks for
 * itself): with a scratch and a pretrained `none` in one report, each row is judged on its own.
 * A row with no matching undefended run keeps the report-wide set (its strength is unknown).
 */
function weakKindsFor(data: ReportData, d: DefenceEntry): Set<string> {
  const ref = d.defense === 'none' ? d : referenceOf(data, d);
  if (!ref) return weakKinds(data);
  return new Set(weakOn(data, ref));
}

const WEAK_MARK = '<sup class="weak" title="from an attack too weak on the undefended model: says little">&dagger;</sup>';

/** S3 and S4 come from the white-box and black-box attacks (DESIGN.md section 6). */
function sCell(v: number | null, weak: boolean): string {
  return `${num(v, 3)}${weak && v !== null ? WEAK_MARK : ''}`;
}

export function accuracyPrivacySection(data: ReportData): string {
  const weak = weakKinds(data);
  const rows = data.defences.map((d) => {
    const a = d.accuracy;
    const rowWeak = weakKindsFor(data, d);
    const extra = [d.meanK !== null ? `mean k ${d.meanK.toFixed(2)}` : '', d.epsilon !== null ? `&epsilon; ${d.epsilon.toFixed(2)}` : ''].filter(Boolean).join(', ');
    return `<tr><td>${esc(d.label)}${extra ? ` <small>(${extra})</small>` : ''}</td><td>${d.seed}</td><td>${pct(a?.identification)}</td><td>${pct(a?.verification)}</td><td>${pct(a?.tarAtFar1e2)}</td><td>${pct(a?.tarAtFar1e3)}</td><td>${ratio(d.scoreCls?.identification)}</td><td>${ratio(d.scoreCls?.verification)}</td><td>${num(d.s1, 3)}</td><td>${num(d.s2, 3)}</td><td>${sCell(d.s3, rowWeak.has('whitebox'))}</td><td>${sCell(d.s4, rowWeak.has('blackbox'))}</td><td>${scorePp(d)}${(rowWeak.has('whitebox') && d.s3 !== null) || (rowWeak.has('blackbox') && d.s4 !== null) ? WEAK_MARK : ''}</td></tr>`;
  });
  const groups = groupByLabel(data.defences);
  const multi = [...groups.values()].some((g) => g.length > 1);
  const spreadRows = [...groups.entries()].map(([label, g]) => `<tr><td>${esc(label)}</td><td>${g.map((d) => d.seed).join(', ')}</td><td>${pctSpread(spread(g.map((d) => d.accuracy?.identification)))}</td><td>${pctSpread(spread(g.map((d) => d.accuracy?.verification)))}</td><td>${pctSpread(spread(g.map((d) => d.scorePp)))}</td></tr>`);
  return section(
    'accuracy-privacy',
    'Accuracy and privacy per defence',
    html([
      '<p>Accuracy is measured on held-out images of the private people, which no model trained on: identification (who is this?), verification (same person or not, 10-fold), and the true accept rate at a false accept rate of 1 in 100 and 1 in 1,000. Score_cls is the defended accuracy divided by the undefended one (1.0 = nothing lost). Privacy scores run from 0 (everything leaks) to 1: S1 = 1 - SSIM of the masked training sample to the face, S2 = 1 - the judge\'s recognition of masked samples, S3 = 1 - white-box attack recognition, S4 = 1 - black-box attack recognition; Score_pp = 0.4 x mean(S1, S2) + 0.6 x mean(S3, S4). A star marks a Score_pp computed over fewer than the four S scores; n/a means not measured.</p>',
      `<table class="numbers"><thead><tr><th>defence</th><th>seed</th><th>identification</th><th>verification</th><th>TAR@FAR 1e-2</th><th>TAR@FAR 1e-3</th><th>Score_cls id.</th><th>Score_cls ver.</th><th>S1</th><th>S2</th><th>S3</th><th>S4</th><th>Score_pp</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      weak.size ? `<p class="weak-note">&dagger; From an attack that is too weak on the undefended model (${[...weak].map(attackName).map(esc).join(', ')}): a high score there means the attack failed, not that the model protects anyone. Read these numbers, and the Score_pp built on them, as not measured.</p>` : '',
      multi
        ? `<h3>Spread over seeds</h3><table class="numbers"><thead><tr><th>defence</th><th>seeds</th><th>identification</th><th>verification</th><th>Score_pp</th></tr></thead><tbody>${spreadRows.join('')}</tbody></table>`
        : '<p class="small">One seed per defence: the spread over seeds is not measured (train more seeds with <code>--seed N</code> to see it).</p>',
    ]),
  );
}

function groupByLabel(entries: readonly DefenceEntry[]): Map<string, DefenceEntry[]> {
  const groups = new Map<string, DefenceEntry[]>();
  for (const d of entries) groups.set(d.label, [...(groups.get(d.label) ?? []), d]);
  return groups;
}

function attackCells(a: AttackResult | undefined, privateIdentities: number): string {
  if (!a) return `<td colspan="6" class="na">not run</td>`;
  const p = a.acc1 === null ? null : peopleRecognised(a, privateIdentities);
  return `<td>${p ? `${p.recognised} of ${p.of}` : MISSING}</td><td>${pct(a.acc1)}</td><td>${pct(a.acc5)}</td><td>${num(a.knnDist, 3)}</td><td>${num(a.psnr, 1)}</td><td>${num(a.ssim, 3)}</td>`;
}

/**
 * Says plainly when an attack fails on the undefended model (then its results on the defences mean
 * nothing), or was not run there: one note per undefended run the defended rows are measured
 * against (`referenceOf`), naming the rows when there are several (e.g. scratch and pretrained).
 */
function strengthNote(data: ReportData, kind: string): string {
  const defended = data.defences.filter((d) => d.defense !== 'none');
  const refs = defended.length ? [...new Set(defended.map((d) => referenceOf(data, d)))] : [referenceOf(data)];
  const rowsOf = (ref: DefenceEntry | null): DefenceEntry[] | null => (refs.length > 1 ? defended.filter((d) => referenceOf(data, d) === ref) : null);
  return refs.map((ref) => referenceNote(data, kind, ref, rowsOf(ref))).join('');
}

/** The note for one reference; `rows`: the defended rows it is the reference of, when it is one of several. */
function referenceNote(data: ReportData, kind: string, ref: DefenceEntry | null, rows: DefenceEntry[] | null): string {
  const result = ref?.attacks.find((a) => a.kind === kind && a.acc1 !== null);
  const name = esc(attackName(kind));
  const whose = rows ? ` for ${rows.map((d) => esc(d.label)).join(', ')}` : '';
  const model = rows && ref ? `their undefended model (run ${esc(ref.runName)})` : 'the undefended model';
  const unknown = (why: string): string => `<p class="weak-attack">Strength unknown${whose}: ${why}, so its results below cannot show what a defence prevents.</p>`;
  if (!ref) return unknown(`no undefended run matches ${rows ? 'them' : 'the defended runs'} to run the ${name} attack on`);
  if (!result) return unknown(`the ${name} attack was not run on ${rows ? model : 'an undefended model'}`);
  if (!isWeak(result, data.privateIdentities)) return '';
  const p = peopleRecognised(result, data.privateIdentities);
  return `<p class="weak-attack"><b>Too weak to show anything${whose}:</b> on ${model} the ${name} attack recognised ${p.recognised} of ${p.of} people, no more than ${WEAK_ATTACK_CHANCE_MULTIPLE} times chance (chance: 1 in ${p.of}). A defence looking safe against an attack that fails without any defence means nothing, so the verdicts do not count it. A stronger attack profile (<code>veil attack --profile standard</code>) may do better.</p>`;
}

export function attacksSection(data: ReportData): string {
  const kinds = [...new Set(data.defences.flatMap((d) => d.attacks.map((a) => a.kind)))].sort();
  if (kinds.length === 0) return section('attacks', 'Attacks', '<p class="missing">No attack has been run on these models, so no leak is measured here. Without an attack every defence looks safe: do not file this report as a privacy assessment.</p>');
  const tables = kinds.map((kind) => {
    const rows = data.defences.map((d) => {
      const own = d.attacks.find((a) => a.kind === kind);
      const ref = referenceOf(data, d);
      const base = ref && d.defense !== 'none' ? ref.attacks.find((a) => a.kind === kind) : undefined;
      const key = own?.keyKnown === false ? ' <small>(key withheld)</small>' : '';
      return `<tr><td>${esc(d.label)}${key}</td>${attackCells(own, data.privateIdentities)}<td>${d.defense === 'none' ? '<small>this is the reference</small>' : base ? pct(base.acc1) : MISSING}</td></tr>`;
    });
    const profiles = [...new Set(data.defences.flatMap((d) => d.attacks.filter((a) => a.kind === kind && a.profile).map((a) => a.profile!)))];
    return `<h3>${esc(attackName(kind))}${profiles.length ? ` <small>(attack profile: ${esc(profiles.join(', '))}${profiles.includes('quick') ? '; a weaker, faster attack than the standard one' : ''})</small>` : ''}</h3>${strengthNote(data, kind)}<table class="numbers"><thead><tr><th>defence</th><th>people recognised</th><th>judge Acc@1</th><th>Acc@5</th><th>KNN dist.</th><th>PSNR dB</th><th>SSIM</th><th>Acc@1 without defence</th></tr></thead><tbody>${rows.join('')}</tbody></table>${kind === 'reconstruction' ? '<p class="small">For <b>none</b> there is no masking to undo: its row scores the raw training photos, the most a leaked training set can give away.</p>' : ''}`;
  });
  return section(
    'attacks',
    'Attacks',
    html(['<p>People recognised: attacked private people the independent judge named correctly for more than half of the attack\'s reconstructions of them. Judge Acc@1: the share of all the attack\'s reconstructions the judge named as the right person (Acc@5: among its five nearest). KNN distance: how far the reconstruction is from the nearest real photo of the person in the judge\'s embedding (lower is closer). PSNR and SSIM compare it pixel by pixel with that photo (higher is closer). The last column is the same attack on the undefended model.</p>', ...tables]),
  );
}

function legend(points: ScatterPoint[]): string {
  const front = paretoFront(points);
  const items = points.map((p, i) => `<li value="${i + 1}"><b>${esc(p.label)}</b>: ${pct(p.accuracy)} identification, Score_pp ${p.privacy.toFixed(3)}${p.partial ? ' (partial)' : ''}${front.includes(p) ? ', on the Pareto front' : ''}</li>`);
  return `<ol class="legend">${items.join('')}</ol>`;
}

export function scatterSection(data: ReportData): string {
  const points: ScatterPoint[] = data.defences
    .filter((d) => d.accuracy && d.scorePp !== null)
    .map((d) => ({ label: d.label, accuracy: d.accuracy!.identification, privacy: d.scorePp!, partial: d.scorePpPartial }));
  const body =
    points.length === 0
      ? '<p class="missing">No model has a privacy score yet (Score_pp needs at least one measured S score), so the scatter cannot be drawn.</p>'
      : html([
          `<figure>${scatterSvg(points)}<figcaption>One point per trained model, numbered as below. The line joins the Pareto front: the models no other model beats on both privacy and accuracy (green points).</figcaption></figure>`,
          legend(points),
          weakKinds(data).size ? '<p class="weak-note">&dagger; Some Score_pp values rest on attacks that are too weak on the undefended model (see Attacks): a point\'s height there says little about privacy.</p>' : '',
        ]);
  return section('scatter', 'Privacy against accuracy', body);
}
