/**
 * The pretrained-backbone table of the README (issue #15): `node bench/backbone-table.ts
 * [--datasets lfw,orl] [--defenses none,ppfr-fd,freq-mixup:2,adaptive:0.03] [--seeds 1] [--backbone pretrained]`
 * (`DEFENCE:P` sets k for the MixUp defences, the accuracy budget for adaptive) imports the
 * real datasets into a throwaway data directory (LFW colour 112, ORL grey 112), trains each
 * (dataset, defence, seed) with the standard profile, and prints one JSON line per run: held-out
 * identification, verification and TAR@FAR 1e-2, adaptive's k = 2 reference's CPU seconds, the chosen crop and input gain, seconds, CPU seconds (user +
 * system, every thread of the process) and the process's peak resident memory during the run: that
 * includes what the import and earlier runs left resident, so for one run's own peak give one
 * (dataset, defence, seed) per invocation and read `/usr/bin/time -v`'s maximum resident set size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openBackend } from '../src/main/ipc/backend.ts';
import type { Defense, TrainResult } from '../src/shared/domain/run.ts';

const { values } = parseArgs({
  options: { datasets: { type: 'string', default: 'lfw,orl' }, defenses: { type: 'string', default: 'none,ppfr-fd' }, seeds: { type: 'string', default: '1' }, backbone: { type: 'string', default: 'pretrained' } },
});
const SOURCES: Record<string, { dir: string; color: boolean }> = {
  lfw: { dir: 'lfw_deepfunneled_158x10', color: true },
  orl: { dir: 'orl_faces', color: false },
};
const shared = new URL('../../shared/datasets/', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'veil-backbone-table-'));
const backend = openBackend({ dataDir });
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
try {
  for (const name of values.datasets!.split(',')) {
    const src = SOURCES[name];
    if (!src) throw new Error(`unknown dataset ${name}: use ${Object.keys(SOURCES).join(', ')}`);
    const imported = await backend.router.invoke('datasets.import', { dir: join(shared, src.dir), name, size: 112, color: src.color });
    if (!imported.ok) throw new Error(imported.error.message);
    for (const spec of values.defenses!.split(','))
      for (const seed of values.seeds!.split(',').map(Number)) {
        const [defense, p] = spec.split(':') as [Defense, string | undefined];
        const extra = p === undefined ? {} : defense === 'adaptive' ? { accuracyBudget: Number(p) } : { k: Number(p) };
        peak = process.memoryUsage().rss;
        const cpu = process.cpuUsage();
        const r = await backend.router.invoke('runs.train', { dataset: name, defense, profile: 'standard', seed, backbone: values.backbone, ...extra });
        if (!r.ok) throw new Error(r.error.message);
        const v = r.value as TrainResult;
        const used = process.cpuUsage(cpu);
        const bb = v.backbone ? { backbone: v.backbone.name, version: v.backbone.version, crop: v.backbone.crop, inputGain: v.backbone.inputGain ?? 1 } : { backbone: 'scratch' };
        console.log(JSON.stringify({ dataset: name, defense: spec, seed, ...bb, epochs: v.epochs, identification: +v.accuracy.identification.toFixed(3), verification: +v.accuracy.verification.toFixed(3), tarAtFar1e2: v.accuracy.tarAtFar1e2 === null ? null : +v.accuracy.tarAtFar1e2.toFixed(3), ...(v.policy ? { meanK: +v.policy.meanK.toFixed(2) } : {}), ...(v.accuracyReference ? { referenceCpuSeconds: Math.round(v.accuracyReference.cpuSeconds) } : {}), ...(v.epsilon != null ? { epsilon: +v.epsilon.toFixed(2) } : {}), seconds: v.seconds, cpuSeconds: Math.round((used.user + used.system) / 1e6), peakRssMB: Math.round(peak / 2 ** 20) }));
      }
  }
} finally {
  clearInterval(sampler);
  backend.close();
  rmSync(dataDir, { recursive: true, force: true });
}
