/**
 * The white-box GMI attack as an engine attack (registry.ts): the run's model (weights, front end
 * and key: Kerckhoffs), the GAN prior of the public faces (cached), GMI per target identity, and
 * the judge's scores of the kept candidates against the private images. `options.prior = 'linear'`
 * searches the linear Gaussian prior of the public faces (linear-prior.ts) instead of the GAN [ours].
 * GMI runs against the target plus students distilled from it on the public faces (LOMMA, distil.ts).
 */
import { AppError } from '../../../../shared/contract/errors.ts';
import { disposeFaceModel } from '../../train/face-model.ts';
import { flattenCandidates, modelAttackMetrics, openModelAttack, publicLinearPrior, publicPrior, scoreCandidates, targetIdentities, writeCandidateGrids } from '../gan/attack-common.ts';
import { ATTACK_PRESETS } from '../gan/profiles.ts';
import { disposeGanTraining } from '../gan/train-gan.ts';
import type { AttackHooks, AttackOutput, AttackRequest } from '../types.ts';
import type { PublicFaces } from '../public-data.ts';
import { DISTIL_LOSS, disposeStudents, distilStudent, ensembleTarget, studentTarget, teacherLogits, type DistilConfig, type Student } from './distil.ts';
import { invertWhitebox, type Prior, type WhiteboxConfig, type WhiteboxTarget } from './gmi.ts';
import { WhiteboxHelper, type HelperFaces } from './helper.ts';
import { whiteboxTarget } from './target.ts';

/** The overrides as set, for the attack's record: null when unset or blank (a blank variable overrides nothing). */
export function recordedOverrides(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.VEIL_WHITEBOX_OVERRIDES;
  return raw && raw.trim() ? raw : null;
}

/**
 * Benchmark overrides of the white-box preset, `VEIL_WHITEBOX_OVERRIDES='{"whitebox":{...},"distil":{...}}'`
 * (bench/attack.ts; the product never sets it); what was used is recorded in the attack's details.
 */
function overrides(): { whitebox?: Partial<Omit<WhiteboxConfig, 'seed'>>; distil?: Partial<Omit<DistilConfig, 'seed'>> } {
  const raw = recordedOverrides();
  if (raw === null) return {};
  try {
    return JSON.parse(raw) as ReturnType<typeof overrides>;
  } catch {
    throw new AppError('VALIDATION', 'VEIL_WHITEBOX_OVERRIDES is not JSON: unset it or give {"whitebox":{...},"distil":{...}}.');
  }
}

function distilConfig(req: AttackRequest): DistilConfig {
  return { ...ATTACK_PRESETS[req.profile].distil, ...overrides().distil, seed: req.seed };
}

function whiteboxConfig(req: AttackRequest): WhiteboxConfig {
  return { ...ATTACK_PRESETS[req.profile].whitebox, ...overrides().whitebox, seed: req.seed };
}

/** The teacher's outputs once per public face and mirror; with a helper, it computes the mirrored half. */
async function cachedTeacher(teacher: WhiteboxTarget, faces: HelperFaces, helper: WhiteboxHelper | null): Promise<Float32Array> {
  if (!helper) return teacherLogits(teacher, faces);
  const [plain, mirrored] = await Promise.all([teacherLogits(teacher, faces, 64, [false]), helper.teacher([true])]);
  const out = new Float32Array(plain.length + mirrored.length);
  out.set(plain);
  out.set(mirrored, plain.length);
  return out;
}

/**
 * LOMMA's model augmentation: the target plus students distilled from it on the public faces (every
 * second one by the helper); null when stopped. Also bench/gan-attack.ts's, so the bench distils as the attack does.
 */
export async function augmentedTarget(cfg: DistilConfig, teacher: WhiteboxTarget, faces: HelperFaces, hooks: AttackHooks, helper: WhiteboxHelper | null): Promise<{ target: WhiteboxTarget; students: Student[]; details: Record<string, unknown> } | null> {
  const students: Student[] = [];
  const started = performance.now();
  // the teacher's outputs once per public face and mirror, when the students would draw more faces than that
  const drawn = cfg.students * cfg.steps * cfg.batch;
  if (drawn > 0) hooks.progress('distilling surrogate students from the target (public faces)', 0, 1);
  const cached = drawn > 2 * faces.count ? await cachedTeacher(teacher, faces, helper) : undefined;
  let done = 0;
  const tick = async (): Promise<void> => hooks.progress('distilling surrogate students from the target (public faces)', ++done, cfg.students * cfg.steps);
  for (let i = 0; i < cfg.students; i += helper ? 2 : 1) {
    const remote = helper && i + 1 < cfg.students ? helper.distil(cfg, i + 1, teacher.classes, faces.channels, cached, tick) : null;
    remote?.catch(() => undefined); // awaited below unless stopped first
    const s = await distilStudent(teacher, faces, cfg, i, { shouldStop: hooks.shouldStop, tick, cached });
    if (!s) return disposeStudents(students), null;
    students.push(s);
    if (remote) students.push(await remote.catch((err: unknown) => (disposeStudents(students), Promise.reject(err))));
  }
  const target = ensembleTarget([teacher, ...students.map((s) => studentTarget(s, teacher.classes, teacher.size))]);
  const details = { ...cfg, teacherCached: cached !== undefined, seconds: (performance.now() - started) / 1000, finalLoss: students.map((s) => s.curve.at(-1) ?? null), finalLossIs: DISTIL_LOSS, nets: students.map((s) => s.net) };
  return { target, students, details };
}

/** The face prior the request asks for: the cached GAN (default) or the linear prior fitted now; null when stopped. */
async function facePrior(req: AttackRequest, hooks: AttackHooks): Promise<{ prior: Prior; faces: PublicFaces; details: Record<string, unknown>; dispose(): void } | null> {
  if (req.options.prior === 'linear') {
    const lp = await publicLinearPrior(req, hooks);
    return { prior: { linear: lp.linear }, faces: lp.faces, details: lp.details, dispose: lp.dispose };
  }
  const pp = await publicPrior(req, hooks);
  if (!pp) return null;
  const { prior } = pp;
  return { prior: { params: prior.training.params, gan: prior.config.gan }, faces: pp.faces, details: { kind: 'gan', dir: prior.dir, reused: prior.reused, trainSeconds: prior.seconds, config: prior.config }, dispose: () => disposeGanTraining(prior.training) };
}

export async function runWhiteboxAttack(req: AttackRequest, hooks: AttackHooks): Promise<AttackOutput> {
  if (req.key === 'unknown') throw new AppError('UNSUPPORTED', 'A white-box attack needs --key known (the job refuses it earlier).');
  const { model, pixels, j } = await openModelAttack(req, hooks);
  const cancelled: AttackOutput = { status: 'cancelled', judge: j.info, samples: [], metrics: null };
  let helper: WhiteboxHelper | null = null;
  try {
    const fp = await facePrior(req, hooks);
    if (!fp) return cancelled;
    const cfg = whiteboxConfig(req);
    helper = (cfg.threads ?? 1) > 1 ? await WhiteboxHelper.start(model, fp.faces, fp.prior) : null;
    const dcfg = distilConfig(req);
    const aug = await augmentedTarget(dcfg, whiteboxTarget(model), fp.faces, hooks, helper);
    if (!aug) return fp.dispose(), cancelled;
    if (helper && aug.students.length > 0) await helper.useStudents(dcfg, aug.students);
    const started = performance.now();
    const found = await invertWhitebox(fp.prior, aug.target, targetIdentities(req), cfg, {
      shouldStop: hooks.shouldStop,
      onProgress: (d, t) => hooks.progress('optimising latent codes (GMI)', d, t),
      helper: helper ?? undefined,
    });
    fp.dispose();
    disposeStudents(aug.students);
    if (!found) return cancelled;
    const inversionSeconds = (performance.now() - started) / 1000;
    hooks.progress('scoring the candidates', 0, 1);
    const flat = flattenCandidates(found);
    const score = await scoreCandidates(j, flat.pixels, flat.labels);
    const samples = await writeCandidateGrids(req, pixels, found);
    const details = {
      prior: fp.details,
      gmi: cfg,
      overrides: recordedOverrides(),
      students: aug.details,
      inversionSeconds,
      /** the ensemble's (target and students) softmax probability of the identity, best candidate, mean over identities */
      targetConfidence: found.reduce((s, c) => s + c.confidence[0], 0) / found.length,
      public: req.public.name,
    };
    return { status: 'done', judge: j.info, samples, metrics: modelAttackMetrics(score, { chance: 1 / req.private.classes, publicFaces: fp.faces.count, note: null, details, queries: null }) };
  } finally {
    await helper?.close();
    j.judge.dispose();
    disposeFaceModel(model);
  }
}
