/**
 * Handlers for `exports.*`: the masked training-set export, as a job with progress events, and
 * the list of past exports with what their manifests say.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportSummary } from '../../../shared/contract/api.ts';
import { exportMaskedSet } from '../../jobs/export-job.ts';
import { nameOf } from './job-label.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

interface Manifest {
  dataset: { name: string };
  run: { defense: string };
  seed: number;
  defence: { keptChannels: number; planes: number };
  keyFingerprint: string;
  policyVersion: string | null;
  counts: { identities: number };
  files: unknown[];
}

async function manifestSummary(dir: string): Promise<ExportSummary['manifest']> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return {
      dataset: m.dataset.name,
      defense: m.run.defense,
      seed: m.seed,
      keptChannels: m.defence.keptChannels,
      planes: m.defence.planes,
      keyFingerprint: m.keyFingerprint,
      policyVersion: m.policyVersion,
      identities: m.counts.identities,
      files: m.files.length,
    };
  } catch {
    return null;
  }
}

export function exportHandlers(b: Backend): Pick<Handlers, 'exports.create' | 'exports.list'> {
  return {
    'exports.create': (req, ctx) => b.jobs.run('export', `Exporting ${nameOf(b, 'run', req.run)}`, (job) => exportMaskedSet({ store: b.store, dataDir: b.dataDir }, req, job), ctx.signal),
    'exports.list': async () => ({
      exports: await Promise.all(b.store.runs.exports().map(async (e) => ({ ...e, manifest: await manifestSummary(e.path) }))),
    }),
  };
}
