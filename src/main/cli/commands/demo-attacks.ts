/**
 * The demo's attacks: every attack kind this build runs, on every demo model (the undefended one
 * too: its result is the reference each defence is measured against), in the demo's profile and
 * seed. Reuses a finished attack of the same kind, profile and seed unless --fresh; a kind this
 * build lacks is skipped once, with the reason.
 */
import { ATTACK_KINDS, type AttackKind } from '../../../shared/domain/attack.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import type { CliContext } from '../context.ts';
import { DEMO_DEFENCES, type DemoClock, type DemoDefence, type DemoRun, type Step } from './demo-plan.ts';

/** What the demo reports per attack (CLI.md `attack` fields, plus whether it was reused). */
export interface DemoAttack {
  attackId: string;
  runId: string;
  kind: AttackKind;
  judge: string;
  acc1: number;
  acc5: number;
  knnDist: number;
  psnr: number | null;
  ssim: number;
  seconds: number | null;
  reused: boolean;
}

/**
 * The demo attacks with the quick attack profile, with or without --quick [ours]: the standard
 * profiles (a 600-step GAN prior, a deeper decoder on ~8,000 public faces) take tens of minutes
 * each on two cores, twelve of them would not fit the demo's 15 minutes. A full-strength audit
 * runs `veil attack --profile standard` on the demo's runs and writes the report again.
 */
export const DEMO_ATTACK_PROFILE = 'quick';

/**
 * Prior guesses of an attack's seconds on the idle 2-core machine (quick attack profile), for the
 * ETA: measured on `--quick`'s 12 private people; the standard dataset's 30 take about twice as
 * long. The first white-box attack trains the GAN prior the others load.
 */
export function attackSteps(defences: readonly DemoDefence[], quick: boolean): Step[] {
  const guess = (kind: AttackKind, d: DemoDefence): number => {
    // on the default (pretrained mobileface) models, from CPU seconds measured under load
    if (kind === 'whitebox') return d.defense === 'none' ? 30 : 16;
    if (kind === 'blackbox') return 5;
    return d.defense === 'none' ? 6 : 9;
  };
  return ATTACK_KINDS.flatMap((kind) => defences.map((d) => ({ label: `${kind} on ${d.defense}`, expected: guess(kind, d) * (quick ? 1 : 2) })));
}

async function reusable(ctx: CliContext, run: DemoRun, kind: AttackKind, profile: string, seed: number): Promise<DemoAttack | null> {
  const { attacks } = await ctx.call('attacks.list', { run: run.runId });
  for (const a of attacks) {
    if (a.kind !== kind || a.status !== 'done' || a.seed !== seed || !a.metrics) continue;
    const d = await ctx.call('attacks.show', { attack: a.id });
    const config = (d.config ?? {}) as { profile?: string; key?: string; targets?: number; public?: string };
    if (config.profile !== profile || (config.key ?? 'known') !== 'known' || config.targets !== undefined || config.public !== undefined) continue;
    const m = a.metrics;
    return { attackId: a.id, runId: run.runId, kind, judge: a.judge, acc1: m.acc1, acc5: m.acc5, knnDist: m.knnDist, psnr: m.psnr, ssim: m.ssim, seconds: a.seconds, reused: true };
  }
  return null;
}

export async function demoAttacks(o: { ctx: CliContext; runs: DemoRun[]; quick: boolean; fresh: boolean; seed: number; clock: DemoClock }): Promise<{ attacks: DemoAttack[]; skipped: { attack: string; reason: string }[] }> {
  const profile = DEMO_ATTACK_PROFILE;
  const attacks: DemoAttack[] = [];
  const skipped: { attack: string; reason: string }[] = [];
  for (const kind of ATTACK_KINDS) {
    for (const d of DEMO_DEFENCES) {
      const run = o.runs.find((r) => r.defense === d.defense);
      o.clock.begin(`${kind} attack on ${run?.label ?? d.defense}`);
      let measured = false;
      if (run && !skipped.some((s) => s.attack === kind)) {
        try {
          const old = o.fresh ? null : await reusable(o.ctx, run, kind, profile, o.seed);
          if (old) attacks.push(old);
          else {
            const a = await o.ctx.call('attacks.start', { run: run.runId, kind, profile, seed: o.seed });
            attacks.push({ attackId: a.attackId, runId: a.runId, kind, judge: a.judge, acc1: a.acc1, acc5: a.acc5, knnDist: a.knnDist, psnr: a.psnr, ssim: a.ssim, seconds: a.seconds, reused: false });
            measured = true;
          }
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'UNSUPPORTED')) throw err;
          skipped.push({ attack: kind, reason: err.message });
          o.clock.drop((label) => label.startsWith(`${kind} on `));
        }
      }
      o.clock.end(measured);
    }
  }
  return { attacks, skipped };
}
