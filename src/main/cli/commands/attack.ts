/**
 * `veil attack` (CLI.md): runs an attack on a trained run (`--run R --kind K`), restarts an
 * interrupted one (`--resume ID`), or lists and shows attacks (`attack list [--run R]`, `attack show ID`).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { ATTACK_KINDS, DECODER_LOSSES, JUDGE_KINDS, KEY_MODES, WHITEBOX_PRIORS, type AttackKind, type AttackResult, type DecoderLoss, type JudgeKind, type KeyMode, type WhiteboxPrior } from '../../../shared/domain/attack.ts';
import { intFlag } from '../args.ts';
import { percent, printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

const num = (v: number | null, digits = 2): string => (v === null ? 'n/a' : v.toFixed(digits));

export function attackSummary(r: AttackResult): string {
  const lines = [
    `Attack ${r.attackId}: ${r.kind} on run ${r.runId}, judge ${r.judge}, ${r.seconds}s.`,
    `Reconstructions: judge Acc@1 ${percent(r.acc1)} (chance ${percent(r.chance)}), Acc@5 ${percent(r.acc5)}, KNN distance ${num(r.knnDist, 3)}, PSNR ${num(r.psnr)} dB, SSIM ${num(r.ssim, 3)}.`,
  ];
  if (r.masked) lines.push(`Masked samples as leaked: judge Acc@1 ${percent(r.masked.acc1)}, Acc@5 ${percent(r.masked.acc5)}, PSNR ${num(r.masked.psnr)} dB, SSIM ${num(r.masked.ssim, 3)}.`);
  if (r.keyChannelsRecovered !== undefined) lines.push(`Key unknown: ${r.keyChannelsRecovered} channel positions recovered.`);
  if (r.queries !== undefined) lines.push(`Queries to the target: ${r.queries}.`);
  lines.push(r.reference ? `Same attack on the undefended run ${r.reference.runId}: Acc@1 ${percent(r.reference.acc1)}, Acc@5 ${percent(r.reference.acc5)}, SSIM ${num(r.reference.ssim, 3)}.` : 'No finished attack of this kind on an undefended (none) run of this dataset and seed to compare with.');
  if (r.note) lines.push(r.note);
  if (r.samples.length) lines.push(`Samples: ${r.samples.find((s) => s.endsWith('overview.png')) ?? r.samples[0]}`);
  return lines.join('\n');
}

function choice<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new AppError('VALIDATION', `--${flag} must be one of ${allowed.join(', ')}.`);
  return value as T;
}

export async function attackCommand(ctx: CliContext): Promise<void> {
  const f = ctx.args.flags;
  const sub = ctx.args.positionals[1];
  if (sub === 'list') {
    const r = await ctx.call('attacks.list', { run: typeof f.run === 'string' ? f.run : undefined });
    return printResult(ctx.out, r, () => (r.attacks.length ? r.attacks.map((a) => `${a.id} ${a.kind} on ${a.runId} ${a.status}${a.metrics ? ` Acc@1 ${percent(a.metrics.acc1)}` : ''}`).join('\n') : 'No attacks yet.'));
  }
  if (sub === 'show') {
    const r = await ctx.call('attacks.show', { attack: requirePositional(ctx, 2, 'attack id') });
    return printResult(ctx.out, r, () => `${r.id}: ${r.kind} on ${r.runId}, ${r.status}${r.error ? ` (${r.error})` : ''}${r.metrics ? `, Acc@1 ${percent(r.metrics.acc1)}, SSIM ${num(r.metrics.ssim, 3)}` : ''}\n${r.samples.map((s) => s.path).join('\n')}`);
  }
  if (sub !== undefined) throw new AppError('VALIDATION', `Unknown attack subcommand "${sub}". Use list or show, or --run R --kind K.`);
  if (typeof f.resume === 'string') {
    const r = await ctx.call('attacks.resume', { attack: f.resume });
    return printResult(ctx.out, r, () => attackSummary(r));
  }
  if (typeof f.run !== 'string') throw new AppError('VALIDATION', 'Missing --run: name the trained run to attack (see `veil runs list`).');
  if (typeof f.kind !== 'string') throw new AppError('VALIDATION', `Missing --kind: one of ${ATTACK_KINDS.join(', ')}.`);
  const profile = f.profile ?? (f.quick ? 'quick' : 'standard');
  if (profile !== 'quick' && profile !== 'standard') throw new AppError('VALIDATION', '--profile must be quick or standard.');
  const r = await ctx.call('attacks.start', {
    run: f.run,
    kind: choice<AttackKind>(f.kind, ATTACK_KINDS, 'kind', 'reconstruction'),
    targets: f.targets === undefined ? undefined : intFlag(f, 'targets', 1),
    public: typeof f.public === 'string' ? f.public : undefined,
    publicFaces: f['public-faces'] === undefined ? undefined : intFlag(f, 'public-faces', 1),
    key: choice<KeyMode>(f.key, KEY_MODES, 'key', 'known'),
    prior: f.prior === undefined ? undefined : choice<WhiteboxPrior>(f.prior, WHITEBOX_PRIORS, 'prior', 'gan'),
    decoderLoss: f['decoder-loss'] === undefined ? undefined : choice<DecoderLoss>(f['decoder-loss'], DECODER_LOSSES, 'decoder-loss', 'squared'),
    lowRes: f['low-res'] === undefined ? undefined : choice(f['low-res'], ['on', 'off'] as const, 'low-res', 'on') === 'on',
    judge: choice<JudgeKind>(f.judge, JUDGE_KINDS, 'judge', 'pretrained'),
    profile,
    seed: ctx.args.seed,
    backend: ctx.args.backend,
  });
  printResult(ctx.out, r, () => attackSummary(r));
}
