/**
 * Every defence on ORL (112 grey, standard profile, from scratch: `--backbone scratch`), seeds 1-3: `node bench/defences.ts [--home DIR]
 * [--seeds 1,2,3] [--only adaptive,none,'freq-mixup k=3'] [--epochs N] [--out FILE.jsonl] [--table]`
 * (`--epochs` overrides the profile's epochs; such rows are kept and printed apart). Imports ORL
 * once into its own data folder, trains each (defence, seed) with `veil train --json` under
 * /usr/bin/time (wall, user+sys CPU, peak RSS, load average around it), appends one JSON line per run
 * (a rerun resumes a partial table), and prints the table: mean and min-max per defence. Not a test.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    home: { type: 'string', default: join(root, '.bench-defences') },
    seeds: { type: 'string', default: '1,2,3' },
    only: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'defences.jsonl') },
    table: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    orl: { type: 'string', default: join(root, '..', 'shared', 'datasets', 'orl_faces') },
  },
});
const home = resolve(values.home!);
const out = resolve(values.out!);
const seeds = values.seeds!.split(',').map(Number);
const epochs = values.epochs ? Number(values.epochs) : undefined;

/** The runs, in the order that matters most when time runs out: seed 1 of everything first; `legacy` rows (older code) are printed, never run. */
const VARIANTS: { label: string; args: string[]; legacy?: boolean }[] = [
  { label: 'none', args: ['--defense', 'none'] },
  { label: 'adaptive (budget 0.03)', args: ['--defense', 'adaptive', '--accuracy-budget', '0.03'] },
  { label: 'freq-mixup k=2', args: ['--defense', 'freq-mixup', '--k', '2'] },
  { label: 'freq-mixup k=4', args: ['--defense', 'freq-mixup', '--k', '4'] },
  { label: 'freq-mixup k=3', args: ['--defense', 'freq-mixup', '--k', '3'] },
  { label: 'freq-mixup k=6', args: ['--defense', 'freq-mixup', '--k', '6'] },
  { label: 'ppfr-fd', args: ['--defense', 'ppfr-fd'] },
  { label: 'mixup k=2', args: ['--defense', 'mixup'] },
  { label: 'instahide k=4', args: ['--defense', 'instahide'] },
  { label: 'freq-mixup k=5', args: ['--defense', 'freq-mixup', '--k', '5'] },
  { label: 'dp-sgd (sigma 1, C 1)', args: ['--defense', 'dp-sgd'] },
  { label: 'ppfr-fd (learned selection)', args: ['--defense', 'ppfr-fd', '--channel-selection', 'learned'] },
  { label: 'adaptive (budget 0.03), slice never rejoins', args: ['--defense', 'adaptive'], legacy: true },
];

interface Row {
  label: string;
  seed: number;
  identification: number;
  verification: number;
  tarAtFar1e2: number | null;
  meanK: number | null;
  epsilon: number | null;
  seconds: number;
  /** user + system CPU seconds of the veil process and its threads */
  cpuSeconds?: number;
  peakRssMb: number;
  /** 1-minute load average before and after the run (above ~2.5 on 2 cores: others were computing) */
  load?: [number, number];
  runId: string;
  /** epochs when `--epochs` overrode the profile's (absent: the standard profile's) */
  epochs?: number;
  /** the commit the run was trained at (absent in rows before it was recorded) */
  commit?: string;
}

function veilTimed(args: string[]): { json: Record<string, unknown>; seconds: number; cpuSeconds: number; peakRssMb: number; load: [number, number] } {
  const load0 = loadavg()[0];
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M CPU_S=%U+%S', process.execPath, join(root, 'bin', 'veil.js'), '--data-dir', home, '--json', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t) / 1000;
  const rss = /PEAK_RSS_KB=(\d+)/.exec(r.stderr ?? '');
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`veil ${args.join(' ')} failed (${r.status}): ${r.stdout}\n${r.stderr}`);
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { json: JSON.parse(r.stdout), seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, peakRssMb: rss ? Number(rss[1]) / 1024 : NaN, load: [round(load0), round(loadavg()[0])] };
}

function done(): Row[] {
  return existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) : [];
}

function stats(xs: (number | null)[]): string {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return '-';
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return v.length === 1 ? mean.toFixed(3) : `${mean.toFixed(3)} (${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)})`;
}

/** The largest finite value, NaN when there is none (Math.max with a NaN argument is always NaN). */
function max(xs: (number | null | undefined)[]): number {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : Number.NaN;
}

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function printTable(rows: Row[]): void {
  console.log('| defence | seeds | identification | verification | TAR@FAR 1e-2 | mean k | epsilon | wall s (max) | CPU s (max) | peak RSS MB (max) | load (max) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const groups = VARIANTS.flatMap((v) => [...new Set(rows.filter((r) => r.label === v.label).map((r) => r.epochs))].sort().map((epochs) => ({ v, epochs })));
  for (const { v, epochs } of groups) {
    const rs = rows.filter((r) => r.label === v.label && r.epochs === epochs);
    console.log(`| ${v.label}${epochs ? ` (${epochs} epochs)` : ''} | ${rs.map((r) => r.seed).join(',')} | ${stats(rs.map((r) => r.identification))} | ${stats(rs.map((r) => r.verification))} | ${stats(rs.map((r) => r.tarAtFar1e2))} | ${stats(rs.map((r) => r.meanK))} | ${stats(rs.map((r) => r.epsilon))} | ${Math.max(...rs.map((r) => r.seconds)).toFixed(0)} | ${fmt(max(rs.map((r) => r.cpuSeconds)), 0)} | ${Math.max(...rs.map((r) => r.peakRssMb)).toFixed(0)} | ${fmt(max(rs.map((r) => r.load?.[0] ?? null)), 1)} -> ${fmt(max(rs.map((r) => r.load?.[1] ?? null)), 1)} |`);
  }
}

if (values.table) {
  printTable(done());
  process.exit(0);
}
mkdirSync(home, { recursive: true });
mkdirSync(resolve(out, '..'), { recursive: true });
const listed = veilTimed(['datasets', 'list']).json as { datasets?: { name: string }[] };
if (!(listed.datasets ?? []).some((d) => d.name === 'orl')) {
  veilTimed(['datasets', 'import', resolve(values.orl!), '--name', 'orl', '--size', '112']);
}
const only = values.only ? new Set(values.only.split(',')) : null;
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
for (const seed of seeds) {
  for (const v of VARIANTS) {
    if (v.legacy || (only && !only.has(v.args[1]) && !only.has(v.label))) continue;
    if (done().some((r) => r.label === v.label && r.seed === seed && r.epochs === epochs)) continue;
    const { json, seconds, cpuSeconds, peakRssMb, load } = veilTimed(['train', '--dataset', 'orl', '--profile', 'standard', '--backbone', 'scratch', '--seed', String(seed), ...(epochs ? ['--epochs', String(epochs)] : []), ...v.args]);
    const acc = json.accuracy as { identification: number; verification: number; tarAtFar1e2: number | null };
    const policy = json.policy as { meanK: number } | null;
    const row: Row = { label: v.label, seed, identification: acc.identification, verification: acc.verification, tarAtFar1e2: acc.tarAtFar1e2, meanK: policy?.meanK ?? (/k=(\d)/.exec(v.label) ? Number(/k=(\d)/.exec(v.label)![1]) : null), epsilon: (json.epsilon as number | null) ?? null, seconds, cpuSeconds, peakRssMb, load, runId: json.runId as string, ...(epochs ? { epochs } : {}), commit };
    appendFileSync(out, `${JSON.stringify(row)}\n`);
    console.log(`${v.label} seed ${seed}: identification ${row.identification.toFixed(3)}, mean k ${row.meanK ?? '-'}, epsilon ${row.epsilon ?? '-'}, ${seconds.toFixed(0)} s wall, ${cpuSeconds.toFixed(0)} s CPU, ${peakRssMb.toFixed(0)} MB, load ${load.join(' -> ')}`);
  }
}
printTable(done());
