/**
 * Attacks as jobs (DESIGN.md 6): one job for every attack kind. Creates the attack row, builds the
 * engine's `AttackRequest` from the store (run, private rows, public faces, judge cache, sample
 * folder), relays the worker's progress (phase events, ETA) and records metrics, judge, samples
 * and timings. Cancel stops the worker between steps (`cancelled`); a worker that dies leaves the
 * attack `interrupted`; `attacks.resume` restarts either from its recorded request (same seed).
 * Kinds the engine lacks (engine/attacks/kinds.ts) answer UNSUPPORTED before anything is created.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ParsedRequestOf } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import type { AttackResult, AttackSummary } from '../../shared/domain/attack.ts';
import { ENGINE_ATTACK_KINDS, MISSING_KIND_HINT } from '../engine/attacks/kinds.ts';
import type { AttackOutput, AttackRequest } from '../engine/attacks/types.ts';
import { embeddingCacheFile } from '../engine/judge/embedding-cache.ts';
import { JUDGE_VERSION } from '../engine/judge/judge-version.ts';
import type { FromWorker } from '../engine/protocol.ts';
import type { Store } from '../store/store.ts';
import { resolvePublic } from './attack-public.ts';
import { chooseAttack, toPick } from './attack-choice.ts';
import { noneReference } from './compare.ts';
import { callEngine } from './engine-call.ts';
import type { EventBus } from './event-bus.ts';
import type { JobContext } from './job-runner.ts';
import { privateClasses } from './train-data.ts';

export interface AttackJobDeps {
  store: Store;
  dataDir: string;
  bus: EventBus;
  workerUrl?: URL;
}

type StartRequest = ParsedRequestOf<'attacks.start'>;

export function checkKind(kind: StartRequest['kind']): void {
  if (!ENGINE_ATTACK_KINDS.includes(kind)) {
    throw new AppError('UNSUPPORTED', `${MISSING_KIND_HINT[kind] ?? `The ${kind} attack is not in this version.`} This version runs: ${ENGINE_ATTACK_KINDS.join(', ')}.`);
  }
}

/** Refuses a request the attack could never honour, before its row exists. */
export function checkKey(req: Pick<StartRequest, 'kind' | 'key' | 'prior' | 'decoderLoss' | 'lowRes'>): void {
  if (req.kind === 'whitebox' && req.key === 'unknown') {
    throw new AppError('UNSUPPORTED', 'The white-box attacker holds the model, front end and key included; run it with --key known (the default). --key unknown applies to the reconstruction attack.');
  }
  if (req.prior !== undefined && req.kind !== 'whitebox' && req.kind !== 'blackbox') {
    throw new AppError('VALIDATION', `--prior chooses the face prior of the white- and black-box attacks; the ${req.kind} attack takes none (drop --prior).`);
  }
  if (req.decoderLoss !== undefined && req.kind !== 'reconstruction') {
    throw new AppError('VALIDATION', `--decoder-loss chooses the reconstruction attack's decoder loss; the ${req.kind} attack has no decoder (drop --decoder-loss).`);
  }
  if (req.lowRes !== undefined && req.kind !== 'reconstruction') {
    throw new AppError('VALIDATION', `--low-res switches the reconstruction attack's low-resolution stage; the ${req.kind} attack has none (drop --low-res).`);
  }
}

export async function startAttack(deps: AttackJobDeps, req: StartRequest, ctx: JobContext): Promise<AttackResult> {
  checkKind(req.kind);
  checkKey(req);
  const run = deps.store.runs.resolve(req.run);
  if (run.status !== 'done') throw new AppError('CONFLICT', `Run "${run.name}" is ${run.status}; attack a finished run.`);
  const id = `atk_${randomBytes(5).toString('hex')}`;
  deps.store.attacks.create({ id, runId: run.id, kind: req.kind, judge: req.judge, seed: req.seed, config: req });
  ctx.setSubject(id);
  return execute(deps, id, req, ctx);
}

export async function resumeAttack(deps: AttackJobDeps, attackId: string, ctx: JobContext): Promise<AttackResult> {
  const a = deps.store.attacks.detail(attackId);
  if (a.status !== 'interrupted' && a.status !== 'cancelled' && a.status !== 'failed') {
    throw new AppError('CONFLICT', `Attack ${attackId} is ${a.status}; only interrupted, cancelled or failed attacks can be resumed.`);
  }
  const req = a.config as StartRequest;
  checkKind(req.kind);
  deps.store.attacks.restart(attackId);
  ctx.setSubject(attackId);
  return execute(deps, attackId, { ...req, run: a.runId }, ctx);
}

/** The target dataset's own public faces (cache rows and dataset labels): the reconstruction attack's low-resolution stage fits on them whatever `--public` says. */
function ownPublicRows(rows: readonly { split: string; cacheIndex: number; label: number }[]): { rows: number[]; labels: number[] } {
  const pub = rows.filter((r) => r.split === 'public');
  return { rows: pub.map((r) => r.cacheIndex), labels: pub.map((r) => r.label) };
}

function buildRequest(deps: AttackJobDeps, id: string, req: StartRequest): AttackRequest {
  const run = deps.store.runs.resolve(req.run);
  const dataset = deps.store.datasets.resolve(run.datasetId);
  const rows = deps.store.datasets.images(dataset.id);
  const { labels, classOf } = privateClasses(rows);
  const pick = (split: string): { row: number; label: number }[] => rows.filter((r) => r.split === split).map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  return {
    kind: req.kind,
    attackId: id,
    seed: req.seed,
    profile: req.profile,
    backend: req.backend ?? null,
    key: req.key,
    judge: req.judge,
    targets: req.targets ?? null,
    defense: run.defense,
    checkpointDir: deps.store.runs.checkpoint(run.id)?.path ?? null,
    dataset: { cacheFile: join(deps.dataDir, dataset.cacheFile), count: dataset.images, size: dataset.size, channels: dataset.channels, embeddingsFile: embeddingCacheFile(deps.dataDir, dataset.id, dataset.cacheHash, JUDGE_VERSION) },
    private: { train: pick('train'), heldout: pick('heldout'), classes: labels.length },
    public: resolvePublic(deps.store, deps.dataDir, dataset, { public: req.public, publicFaces: req.publicFaces, seed: req.seed }),
    outDir: join(deps.dataDir, 'attacks', id),
    ownPublic: req.kind === 'reconstruction' ? ownPublicRows(rows) : undefined,
    // the GAN attacks' prior cache: one prior per public source, reused by every attack
    options: { priorDir: join(deps.dataDir, 'gan-priors'), prior: req.prior ?? 'gan', decoderLoss: req.decoderLoss ?? 'squared', lowRes: req.lowRes ?? true },
  };
}

async function execute(deps: AttackJobDeps, id: string, req: StartRequest, ctx: JobContext): Promise<AttackResult> {
  const runId = deps.store.runs.resolve(req.run).id;
  const changed = (): void => deps.bus.emit('attacks.changed', { attackId: id, runId });
  changed();
  try {
    const request = buildRequest(deps, id, req);
    let phase = '';
    const done = await callEngine<{ output: AttackOutput; seconds: number }>({
      url: deps.workerUrl,
      request: { type: 'attack', request },
      signal: ctx.signal,
      onAbort: 'cancel',
      // a crash (uncaught error) or a kill of the worker leaves the attack interrupted and resumable; an error the attack reports fails it
      crashed: (err) => new InterruptedAttack(`it crashed: ${err.message}`),
      exited: (code) => new InterruptedAttack(`exit code ${code}`),
      onMessage: (msg, finish) => {
        if (msg.type === 'attack-started') deps.store.attacks.started(id, msg.backend, msg.versions);
        else if (msg.type === 'attack-progress') {
          if (msg.phase !== phase) (phase = msg.phase), ctx.setPhase(phase), changed();
          ctx.progress(msg.done, msg.total);
        } else if (msg.type === 'attack-done') finish({ output: msg.output, seconds: msg.seconds });
      },
    });
    const { output } = done;
    if (output.status === 'cancelled' || !output.metrics) {
      throw new AppError('CANCELLED', `The attack was cancelled. Start it again with \`veil attack --resume ${id}\`.`);
    }
    deps.store.attacks.addSamples(id, output.samples.map((s) => ({ label: s.label, kind: s.kind, path: s.path, hash: s.sha256 })));
    deps.store.attacks.finish(id, { status: 'done', metrics: output.metrics, judgeInfo: output.judge, seconds: +done.seconds.toFixed(1) });
    return attackResult(deps.store, id);
  } catch (err) {
    if (err instanceof InterruptedAttack) {
      deps.store.attacks.finish(id, { status: 'interrupted', error: err.message });
      throw new AppError('INTERNAL', `${err.message} The attack is marked interrupted: restart it with \`veil attack --resume ${id}\`.`);
    }
    const cancelled = err instanceof AppError && err.code === 'CANCELLED';
    deps.store.attacks.finish(id, { status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : (err as Error).message });
    throw err;
  } finally {
    changed();
  }
}

/** CLI.md `attack` JSON for a finished attack, with the same attack on the `none` reference run. */
export function attackResult(store: Store, id: string): AttackResult {
  const a = store.attacks.detail(id);
  const m = a.metrics!;
  const run = store.runs.resolve(a.runId);
  const refRun = noneReference(store, run);
  const own = toPick(store, a, a.config);
  const ref: AttackSummary | null = refRun && refRun.id !== run.id ? (chooseAttack(store, refRun.id, a.kind, { judge: a.judge, profile: own.profile, public: own.public, key: own.key, variant: a.kind === 'reconstruction' ? undefined : own.variant })?.summary ?? null) : null;
  return {
    attackId: a.id,
    runId: a.runId,
    kind: a.kind,
    judge: a.judge,
    acc1: m.acc1,
    acc5: m.acc5,
    knnDist: m.knnDist,
    psnr: m.psnr,
    ssim: m.ssim,
    seconds: a.seconds ?? 0,
    ...(m.queries !== null ? { queries: m.queries } : {}),
    ...(m.keyChannelsRecovered !== null ? { keyChannelsRecovered: m.keyChannelsRecovered } : {}),
    status: a.status,
    chance: m.chance,
    masked: m.masked,
    note: m.note,
    reference: ref?.metrics ? { runId: ref.runId, attackId: ref.id, acc1: ref.metrics.acc1, acc5: ref.metrics.acc5, knnDist: ref.metrics.knnDist, psnr: ref.metrics.psnr, ssim: ref.metrics.ssim } : null,
    samples: a.samples.map((s) => s.path),
  };
}

class InterruptedAttack extends Error {
  constructor(why: string) {
    super(`The engine worker stopped unexpectedly during the attack (${why}).`);
  }
}
