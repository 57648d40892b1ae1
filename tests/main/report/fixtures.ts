/**
 * Hand-made report data for the renderer tests: two seeds of one defence, an undefended reference,
 * one attack kind, and a tiny inline PNG per picture. No number here comes from a model.
 */
import type { AttackResult, DefenceEntry, ReportData } from '../../../src/main/report/model.ts';

/** A 1x1 grey PNG. */
export const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==';

export function attack(kind: string, acc1: number | null): AttackResult {
  return { kind, acc1, acc5: acc1 === null ? null : Math.min(1, acc1 + 0.2), knnDist: 0.61, psnr: 14.2, ssim: 0.31, targets: 12, recognised: null, keyKnown: true, judge: 'pretrained' };
}

export function entry(over: Partial<DefenceEntry> & Pick<DefenceEntry, 'runId' | 'defense'>): DefenceEntry {
  return {
    runName: over.runId,
    label: over.defense,
    seed: 1,
    backend: 'wasm',
    epochs: 8,
    accuracy: { identification: 0.9, verification: 0.85, tarAtFar1e2: 0.5, tarAtFar1e3: null },
    scoreCls: null,
    referenceRunId: over.defense === 'none' ? null : 'r-none',
    s1: null,
    s2: null,
    s3: null,
    s4: null,
    scorePp: null,
    scorePpPartial: true,
    attacks: [],
    meanK: null,
    epsilon: null,
    versions: { studio: '0.1.0', tfjs: '4.22.0', node: '24.21.0' },
    ...over,
  };
}

export function reportData(over: Partial<ReportData> = {}): ReportData {
  return {
    title: 'Face-data privacy audit: <faces>',
    createdAt: '2026-11-30T05:00:00.000Z',
    dataset: {
      id: 'ds_1',
      name: '<faces>',
      kind: 'synthetic',
      identities: 16,
      images: 160,
      size: 64,
      channels: 1,
      splits: { private: 12, public: 4, eval: 0 },
      seed: 1,
      source: null,
      createdAt: '2026-11-30T04:00:00.000Z',
      splitConfig: { privateFraction: 0.75, evalFraction: 0, trainFraction: 0.7, seed: 1 },
      identityList: [],
      imageSplits: { train: 84, heldout: 36, public: 40, eval: 0 },
      skipped: [],
      ignored: [],
      duplicates: [],
      droppedIdentities: [],
    },
    defences: [
      entry({ runId: 'r-none', defense: 'none', accuracy: { identification: 0.92, verification: 0.9, tarAtFar1e2: 0.6, tarAtFar1e3: null }, attacks: [attack('whitebox', 9 / 12)], s3: 0.25, scorePp: 0.25, scorePpPartial: true }),
      entry({ runId: 'r-a1', defense: 'adaptive', seed: 1, attacks: [attack('whitebox', 2 / 12)], s3: 0.83, scorePp: 0.83, scorePpPartial: true }),
      entry({ runId: 'r-a2', defense: 'adaptive', seed: 2, accuracy: { identification: 0.88, verification: 0.84, tarAtFar1e2: 0.45, tarAtFar1e3: null }, attacks: [attack('whitebox', 3 / 12)], s3: 0.75, scorePp: 0.75, scorePpPartial: true }),
      entry({ runId: 'r-p', defense: 'ppfr-fd' }),
    ],
    referenceRunId: 'r-none',
    privateIdentities: 12,
    grids: [
      {
        identity: 'person-001',
        privateFace: { caption: 'person-001', dataUri: PIXEL },
        perDefence: [
          { label: 'none', images: [{ caption: 'white-box', dataUri: PIXEL }] },
          { label: 'adaptive', images: [{ caption: 'masked sample', dataUri: PIXEL }, { caption: 'white-box', dataUri: PIXEL }] },
        ],
      },
    ],
    gridNote: null,
    notes: ['Black-box attacks were not run.'],
    software: { studio: '0.1.0', node: '24.21.0', v8: '13.6', tfjs: '4.22.0', electron: null },
    ...over,
  };
}
