// Exit codes 5 (cancelled) and 4 (I/O) from the real `veil` process: Ctrl-C (SIGINT) during a
// training run exits 5 and leaves the run resumable; an export to a folder that cannot be written exits 4.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/index.ts';
import { tempDir } from '../../helpers/temp.ts';

const VEIL = fileURLToPath(new URL('../../../bin/veil.js', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `veil`; `interrupt` decides from stderr so far when to send SIGINT (once). */
function veil(args: string[], interrupt?: (stderr: string) => boolean): Promise<Exit> {
  const child = spawn(process.execPath, [VEIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    if (interrupt && !sent && interrupt(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs `veil` in this process (cheaper than a child; the SIGINT test needs the real process). */
async function veilHere(args: string[]): Promise<Exit> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runCli(args, { json: false, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** A folder this process cannot create anything in: /sys refuses even root; elsewhere a read-only folder. */
function unwritableTarget(): string {
  if (process.platform === 'linux' && process.getuid?.() === 0) return '/sys/veil-export-test';
  const parent = join(tempDir(), 'read-only');
  mkdirSync(parent);
  chmodSync(parent, 0o555);
  return join(parent, 'export');
}

describe('veil exit codes', () => {
  const dataDir = tempDir();
  const base = ['--data-dir', dataDir];
  let runId = '';

  it('exits 5 when a training run is interrupted with Ctrl-C, and marks the run cancelled', async () => {
    expect((await veilHere([...base, 'datasets', 'synth', '--name', 'f', '--identities', '4', '--per-identity', '5', '--size', '32'])).code).toBe(0);
    const started = /Training[^\n]*: [1-9]\d*\/\d+/;
    const r = await veil([...base, 'train', '--dataset', 'f', '--defense', 'ppfr-fd', '--profile', 'quick', '--epochs', '3', '--name', 'stopped', '--backbone', 'scratch', '--json'], (e) => started.test(e));
    expect(r.code, r.stderr).toBe(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const runs = JSON.parse((await veilHere([...base, 'runs', 'list', '--json'])).stdout).runs as { id: string; name: string; status: string }[];
    const run = runs.find((x) => x.name === 'stopped')!;
    expect(run.status).toBe('cancelled');
    runId = run.id;
  });

  it('resumes the interrupted run to the end', async () => {
    const r = await veilHere([...base, 'train', '--resume', runId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId, epochs: 3 });
    expect(JSON.parse((await veilHere([...base, 'runs', 'show', runId, '--json'])).stdout)).toMatchObject({ status: 'done' });
  });

  it('exits 4 with an IO error when the export folder cannot be written', async () => {
    const out = unwritableTarget();
    const r = await veilHere([...base, 'export', '--run', runId, '--out', out, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'IO', message: expect.stringContaining(out) } });
  });
});
