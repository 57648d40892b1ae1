/**
 * The report's privacy numbers from the evaluation (`compare`, DESIGN.md 6): per run its S1-S4,
 * Score_pp (partial while an S is missing), Score_cls against its own `none` reference, and the
 * newest finished attack of each kind with its judge, key mode, targets and recorded pictures.
 * Nothing is computed here; what the evaluation has not measured stays null.
 */
import type { AttackKind, CompareRow } from '../../shared/domain/attack.ts';
import { isRecognised } from '../../shared/domain/attack-strength.ts';
import { compareRuns } from '../jobs/compare.ts';
import type { Store } from '../store/store.ts';
import type { PrivacySource, RunPrivacy } from './gather.ts';
import type { AttackSample } from './images.ts';
import type { AttackResult } from './model.ts';

export interface StudioPrivacy extends PrivacySource {
  samples(runId: string): AttackSample[];
}

function attackOf(store: Store, kind: AttackKind, a: NonNullable<CompareRow['attacks'][AttackKind]>): AttackResult {
  const d = store.attacks.detail(a.attackId);
  const config = (d.config ?? {}) as { key?: string; profile?: string };
  const judge = d.judgeInfo ? `${d.judgeInfo.kind} (${d.judgeInfo.version})` : a.judge;
  const perPerson = d.metrics?.perIdentity ?? null;
  return {
    kind,
    acc1: a.acc1,
    acc5: a.acc5,
    knnDist: a.knnDist,
    psnr: a.psnr,
    ssim: a.ssim,
    targets: perPerson ? perPerson.length : null,
    recognised: perPerson ? perPerson.filter((p) => isRecognised(p.acc1)).length : null,
    keyKnown: config.key ? config.key !== 'unknown' : null,
    judge,
    profile: config.profile ?? null,
  };
}

function privacyOf(store: Store, row: CompareRow): RunPrivacy {
  const attacks = (Object.entries(row.attacks) as [AttackKind, NonNullable<CompareRow['attacks'][AttackKind]>][]).map(([kind, a]) => attackOf(store, kind, a));
  return {
    attacks,
    s1: row.s1,
    s2: row.s2,
    s3: row.s3,
    s4: row.s4,
    scorePp: row.scorePp,
    scorePpPartial: row.scorePpPartial,
    scoreCls: row.scoreCls ? { identification: row.scoreCls.identification, verification: row.scoreCls.verification } : null,
    referenceRunId: row.referenceRunId,
  };
}

/** Per-identity pictures of a run's newest finished attacks (overviews left out). */
function samplesOf(store: Store, row: CompareRow): AttackSample[] {
  return Object.entries(row.attacks).flatMap(([kind, a]) =>
    store.attacks
      .detail(a!.attackId)
      .samples.filter((s) => s.label >= 0 && !s.kind.startsWith('overview'))
      .map((s) => ({ kind, classIndex: s.label, layout: s.kind, path: s.path })),
  );
}

export function studioPrivacySource(store: Store): StudioPrivacy {
  const rows = new Map<string, CompareRow>();
  const row = (runId: string): CompareRow => {
    if (!rows.has(runId)) rows.set(runId, compareRuns(store, [runId]).rows[0]);
    return rows.get(runId)!;
  };
  return {
    privacy: (runId) => privacyOf(store, row(runId)),
    samples: (runId) => samplesOf(store, row(runId)),
    reference: (runIds) => compareRuns(store, runIds).reference?.runId ?? null,
    notes: [],
  };
}
