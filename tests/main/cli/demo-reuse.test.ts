/**
 * `veil demo` reuses what an earlier demo made (dataset, finished runs, attacks) and `--fresh`
 * redoes all of it, on a fake backend that records every call (the real end-to-end reuse run is
 * in tests/e2e/report.test.ts; a real --fresh run would cost a whole demo).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/main/cli/context.ts';
import { demoCommand } from '../../../src/main/cli/commands/demo.ts';
import { DEMO_DEFENCES } from '../../../src/main/cli/commands/demo-plan.ts';
import { ATTACK_KINDS } from '../../../src/shared/domain/attack.ts';

const DATASET = { id: 'ds_old', name: 'demo-faces-quick-seed1', identities: 16, images: 160, size: 64, channels: 1, splits: { private: 12, public: 4, eval: 0 } };

/** A backend holding one finished quick run per demo defence, each with a finished quick attack of every kind. */
function fakeDemo(fresh: boolean, backbone: { name: string } | null = { name: 'mobileface' }): { ctx: CliContext; calls: { method: string; request: Record<string, unknown> }[] } {
  const calls: { method: string; request: Record<string, unknown> }[] = [];
  const runs = DEMO_DEFENCES.map((d, i) => ({ id: `run_${i}`, datasetId: DATASET.id, defense: d.defense, seed: 1, status: 'done', config: { profile: 'quick', backbone, defence: { mixing: d.k ? { k: d.k } : null } } }));
  const result = (id: string, defense: string) => ({ runId: id, dataset: DATASET.id, defense, backend: 'wasm', seed: 1, epochs: 6, seconds: 3, accuracy: { identification: 0.5, verification: 0.5, tarAtFar1e2: null, tarAtFar1e3: null }, policy: null, epsilon: null, status: 'done' });
  const attack = (run: string, kind: string) => ({ attackId: `atk_${run}_${kind}`, runId: run, kind, judge: 'pretrained', acc1: 0.1, acc5: 0.3, knnDist: 0.5, psnr: 12, ssim: 0.2, seconds: 5 });
  const answer = (method: string, r: Record<string, unknown>): unknown => {
    switch (method) {
      case 'datasets.list': return { datasets: [DATASET] };
      case 'datasets.show': return DATASET;
      case 'datasets.synth': return { ...DATASET, id: 'ds_new', name: r.name };
      case 'runs.train': return result(`run_new_${String(r.defense)}`, String(r.defense));
      case 'exports.create': return { path: String(r.out), format: r.format, samples: 84, manifest: `${String(r.out)}/manifest.json` };
      case 'attacks.list': return { attacks: ATTACK_KINDS.map((kind) => ({ id: `atk_${String(r.run)}_${kind}`, kind, status: 'done', seed: 1, judge: 'pretrained', seconds: 5, metrics: attack(String(r.run), kind) })) };
      case 'attacks.show': return { config: { profile: 'quick' } };
      case 'attacks.start': return attack(String(r.run), String(r.kind));
      case 'compare.runs': return { rows: [], reference: null };
      case 'reports.create': return { reportId: 'rep_1', path: String(r.out), format: String(r.out).endsWith('.pdf') ? 'pdf' : 'html', runs: r.runs };
      default: throw new Error(`unexpected call ${method}`);
    }
  };
  const store = { runs: { list: () => runs, resolve: (id: string) => runs.find((x) => x.id === id)!, result: (id: string) => result(id, runs.find((x) => x.id === id)!.defense) } };
  const ctx = {
    args: { flags: { quick: true, fresh }, seed: 1, positionals: ['demo'] },
    out: { json: true, stdout: new PassThrough(), stderr: new PassThrough() },
    signal: new AbortController().signal,
    backend: () => ({ store, dataDir: '/nonexistent/veil-demo-test', bus: { subscribe: () => () => true } }),
    call: async (method: string, request: Record<string, unknown>) => {
      calls.push({ method, request });
      return answer(method, request);
    },
  } as unknown as CliContext;
  return { ctx, calls };
}

const count = (calls: { method: string }[], method: string): number => calls.filter((c) => c.method === method).length;

describe('veil demo on a data directory an earlier demo filled', () => {
  it('reuses the dataset, every finished run and every finished attack', async () => {
    const { ctx, calls } = fakeDemo(false);
    await demoCommand(ctx);
    expect(count(calls, 'datasets.synth')).toBe(0);
    expect(count(calls, 'runs.train')).toBe(0);
    expect(count(calls, 'attacks.start')).toBe(0);
  });

  it('trains again where the earlier runs were from scratch (the demo trains on the default, pretrained backbone)', async () => {
    const { ctx, calls } = fakeDemo(false, null);
    await demoCommand(ctx);
    const trains = calls.filter((c) => c.method === 'runs.train');
    expect(trains).toHaveLength(DEMO_DEFENCES.length);
    expect(trains.every((c) => c.request.backbone === 'pretrained')).toBe(true);
  });

  it('with --fresh makes a new dataset (so new GAN priors: their key names the dataset), trains every defence and runs every attack again', async () => {
    const { ctx, calls } = fakeDemo(true);
    await demoCommand(ctx);
    expect(count(calls, 'datasets.show')).toBe(0);
    const synth = calls.find((c) => c.method === 'datasets.synth')!;
    expect(synth.request.name).not.toBe(DATASET.name);
    expect(count(calls, 'runs.train')).toBe(DEMO_DEFENCES.length);
    expect(count(calls, 'attacks.list')).toBe(0);
    expect(count(calls, 'attacks.start')).toBe(DEMO_DEFENCES.length * ATTACK_KINDS.length);
    expect(calls.filter((c) => c.method === 'attacks.start').every((c) => c.request.run !== undefined && String(c.request.run).startsWith('run_new_'))).toBe(true);
  });
});
