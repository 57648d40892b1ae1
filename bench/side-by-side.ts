/**
 * The engine against PyTorch CPU on probe-cnn, side by side: `node bench/side-by-side.ts
 * [--rounds 3] [--seconds 15] [--batch 32] [--threads 2]` alternates `veil bench train` and
 * bench/reference/probe_cnn_torch.py (Debian's python3-torch) round by round, so both see the same
 * machine state, and prints each pair and the ratio of the medians (issue target: >= 0.25x).
 * Not part of the tests (it times things); needs a Python with torch, found by bench/python.ts
 * (`VEIL_PYTHON`, then /usr/bin/python3, then PATH).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findTorchPython } from './python.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '15' }, batch: { type: 'string', default: '32' }, threads: { type: 'string', default: '2' } },
});
const root = fileURLToPath(new URL('..', import.meta.url));
let python: string;
try {
  const found = findTorchPython();
  python = found.path;
  console.log(`pytorch ${found.torch} from ${python}`);
} catch (err) {
  console.error(`bench:side-by-side: ${(err as Error).message}`);
  process.exit(2);
}

function imagesPerSecond(cmd: string, args: string[]): number {
  // veil --json prints one indented object; the reference prints one line
  const out = execFileSync(cmd, args, { cwd: root, encoding: 'utf8' }).trim();
  return (JSON.parse(out.slice(out.indexOf('{'))) as { imagesPerSecond: number }).imagesPerSecond;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const wasm: number[] = [];
const torch: number[] = [];
for (let round = 1; round <= Number(values.rounds); round++) {
  const common = ['--batch', values.batch, '--seconds', values.seconds];
  wasm.push(imagesPerSecond(process.execPath, ['bin/veil.js', 'bench', 'train', '--model', 'probe-cnn', '--workers', values.threads, '--json', ...common]));
  torch.push(imagesPerSecond(python, ['bench/reference/probe_cnn_torch.py', '--threads', values.threads, ...common]));
  console.log(`round ${round}: veil ${wasm.at(-1)} img/s, pytorch ${torch.at(-1)} img/s, ratio ${(wasm.at(-1)! / torch.at(-1)!).toFixed(3)}`);
}
console.log(
  JSON.stringify({ model: 'probe-cnn', batch: Number(values.batch), threads: Number(values.threads), node: process.versions.node, veil: median(wasm), pytorch: median(torch), ratio: +(median(wasm) / median(torch)).toFixed(3) }),
);
