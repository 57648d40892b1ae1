/**
 * Command-line parsing for `veil`: global flags (CLI.md), per-command flags, and the usage text.
 * Unknown flags are usage errors (exit 2), never silently ignored.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/contract/errors.ts';
import { BACKENDS, type BackendName } from '../../shared/domain/run.ts';

export const USAGE = `Usage: veil <command> [options]

Commands:
  datasets synth --name N [--identities 40] [--per-identity 10] [--size 32|64|112] [--color] [--eval-fraction 0]
  datasets import DIR --name N [--size 112] [--gray|--color] [--eval-fraction 0]
  datasets list | show D | delete D
  train --dataset D --defense none|ppfr-fd|mixup|instahide|freq-mixup|dp-sgd|adaptive [--k K] [--accuracy-budget 0.02]
        [--accuracy-reference k2-reference|warmup] [--noise-multiplier S | --target-epsilon E] [--clip C]
        [--channel-selection energy|learned]
        [--epochs N] [--profile quick|standard] [--name R]
        [--backbone pretrained|scratch|NAME]   (default pretrained: fine-tune the shipped mobileface backbone)
  train --resume R    (continue an interrupted or cancelled run from its last checkpoint)
  runs list | show R
  export --run R --out DIR [--format imagefolder|tensor] [--force]
  attack --run R --kind reconstruction|whitebox|blackbox [--targets N] [--public D] [--public-faces N]
         [--key known|unknown] [--prior gan|linear] [--judge pretrained|trained] [--profile quick|standard]
         [--decoder-loss squared|identity]   (reconstruction: identity fine-tunes with the shipped mobileface)
         [--low-res on|off]   (reconstruction: the low-resolution stage on the dataset's own public faces; default on)
  attack --resume ID | attack list [--run R] | attack show ID
  compare --dataset D | --runs A,B,...
  bench train --model probe-cnn|default [--batch 32] [--seconds 20] [--workers 1|2]
  serve [--port 0] [--host 127.0.0.1]
  report (--dataset D | --runs A,B,...) --out FILE.html|FILE.pdf
  demo [--quick] [--fresh]

Global options:
  --data-dir DIR      where the studio keeps its data (else $VEIL_HOME, else the user-data folder)
  --json              print exactly one JSON document on stdout; progress goes to stderr
  --backend NAME      engine backend: tensorflow | wasm | cpu (default: best available)
  --seed N            random seed (default 1)
  -h, --help          show this help`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  identities: { type: 'string' },
  'per-identity': { type: 'string' },
  size: { type: 'string' },
  color: { type: 'boolean' },
  gray: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  quick: { type: 'boolean' },
  dataset: { type: 'string' },
  defense: { type: 'string' },
  k: { type: 'string' },
  'accuracy-budget': { type: 'string' },
  'accuracy-reference': { type: 'string' },
  'noise-multiplier': { type: 'string' },
  'target-epsilon': { type: 'string' },
  clip: { type: 'string' },
  'channel-selection': { type: 'string' },
  epochs: { type: 'string' },
  profile: { type: 'string' },
  resume: { type: 'string' },
  model: { type: 'string' },
  batch: { type: 'string' },
  seconds: { type: 'string' },
  run: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  force: { type: 'boolean' },
  workers: { type: 'string' },
  'eval-fraction': { type: 'string' },
  backbone: { type: 'string' },
  fresh: { type: 'boolean' },
  kind: { type: 'string' },
  targets: { type: 'string' },
  public: { type: 'string' },
  'public-faces': { type: 'string' },
  key: { type: 'string' },
  prior: { type: 'string' },
  'decoder-loss': { type: 'string' },
  'low-res': { type: 'string' },
  judge: { type: 'string' },
  runs: { type: 'string' },
} as const;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
  dataDir: string | undefined;
  json: boolean;
  backend: BackendName | undefined;
  seed: number;
}

export function parseCli(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new AppError('VALIDATION', `${(err as Error).message}. Run \`veil --help\` for the list of options.`);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  const backend = flags.backend as string | undefined;
  if (backend !== undefined && !(BACKENDS as readonly string[]).includes(backend)) {
    throw new AppError('VALIDATION', `--backend must be one of ${BACKENDS.join(', ')}, not "${backend}".`);
  }
  return {
    positionals: parsed.positionals,
    flags,
    dataDir: flags['data-dir'] as string | undefined,
    json: flags.json === true,
    backend: backend as BackendName | undefined,
    seed: flags.seed === undefined ? 1 : intFlag(flags, 'seed', 1),
  };
}

/** Reads a number flag (fractions allowed); a malformed value is a usage error naming the flag. */
export function numberFlag(flags: ParsedArgs['flags'], name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n)) throw new AppError('VALIDATION', `--${name} takes a number, not "${String(raw)}".`);
  return n;
}

/** Reads an integer flag; a malformed value is a usage error naming the flag. */
export function intFlag(flags: ParsedArgs['flags'], name: string, fallback: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n)) throw new AppError('VALIDATION', `--${name} takes a whole number, not "${String(raw)}".`);
  return n;
}
