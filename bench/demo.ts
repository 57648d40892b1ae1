/**
 * Demo benchmark: `node bench/demo.ts [--quick-only | --standard-only] [--keep]` runs `veil demo
 * --quick`, then `veil demo` (standard), each on an empty data directory under `/usr/bin/time -v`,
 * then the quick one again on its data directory (the reuse run), and prints wall, CPU (user +
 * sys), peak RSS, the load average around each, and where each demo's time went (its `timings`).
 * Targets (issue #14): quick < 5 min, standard < 15 min and < 3 GB resident, on the idle machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { clock, type StepTiming } from '../src/main/cli/commands/demo-plan.ts';
import { timingLines } from '../src/main/cli/commands/demo-summary.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { 'quick-only': { type: 'boolean' }, 'standard-only': { type: 'boolean' }, keep: { type: 'boolean' } } });

interface Measured {
  name: string;
  wall: number;
  cpu: number;
  peakRssMB: number;
  load: [number, number];
  exit: number;
  timings: StepTiming[];
}

/** `/usr/bin/time -v` fields: "Elapsed (wall clock) time (h:mm:ss or m:ss): 3:48.12" etc. */
function timeField(text: string, name: string): string {
  const line = text.split('\n').find((l) => l.trim().startsWith(name));
  if (!line) throw new Error(`/usr/bin/time -v printed no "${name}" (is GNU time installed at /usr/bin/time?)`);
  return line.slice(line.lastIndexOf(': ') + 2).trim();
}

function wallSeconds(text: string): number {
  return timeField(text, 'Elapsed (wall clock)').split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

async function timeDemo(name: string, dataDir: string, flags: string[]): Promise<Measured> {
  const before = loadavg()[0];
  const child = spawn('/usr/bin/time', ['-v', process.execPath, join(ROOT, 'bin/veil.js'), 'demo', ...flags, '--json', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    // the demo's own step lines, so a long benchmark shows it is alive
    for (const line of String(c).split('\n')) if (line.startsWith('demo [')) process.stderr.write(`${name}: ${line}\n`);
  });
  const exit = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const timeText = stderr.slice(stderr.lastIndexOf('Command being timed'));
  const cpu = Number(timeField(timeText, 'User time')) + Number(timeField(timeText, 'System time'));
  let timings: StepTiming[] = [];
  try {
    timings = (JSON.parse(stdout) as { timings?: StepTiming[] }).timings ?? [];
  } catch {
    process.stderr.write(`${name}: the demo printed no JSON (exit ${exit}); its stderr ends:\n${stderr.slice(-2000)}\n`);
  }
  return { name, wall: wallSeconds(timeText), cpu, peakRssMB: Math.round(Number(timeField(timeText, 'Maximum resident set size')) / 1024), load: [before, loadavg()[0]], exit, timings };
}

const results: Measured[] = [];
const dirs: string[] = [];
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'veil-bench-demo-'));
  dirs.push(d);
  return d;
};
if (!values['standard-only']) {
  const dir = fresh();
  results.push(await timeDemo('veil demo --quick', dir, ['--quick']));
  results.push(await timeDemo('veil demo --quick, second run (reuse)', dir, ['--quick']));
}
if (!values['quick-only']) results.push(await timeDemo('veil demo (standard)', fresh(), []));
if (!values.keep) for (const d of dirs) rmSync(d, { recursive: true, force: true });
else process.stderr.write(`data directories kept: ${dirs.join(' ')}\n`);

console.log('| command | wall | CPU (user + sys) | peak RSS | load average before, after | exit |');
console.log('|---|---|---|---|---|---|');
for (const r of results) console.log(`| \`${r.name}\` | ${clock(r.wall)} | ${Math.round(r.cpu)} s | ${r.peakRssMB} MB | ${r.load.map((l) => l.toFixed(1)).join(', ')} | ${r.exit} |`);
for (const r of results) console.log(`\n${r.name}: where the time went\n${timingLines(r.timings).join('\n')}`);
console.log(`\nA load average above about 1 before a run means other work shared the 2 cores: report such times as under load.`);
process.exitCode = results.some((r) => r.exit !== 0) ? 1 : 0;
