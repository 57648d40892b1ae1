import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/index.ts';
import { printError } from '../../../src/main/cli/output.ts';
import { oneUsableIdentityFolder } from '../../helpers/face-folder.ts';
import { tempDir } from '../../helpers/temp.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runCli(args, { json: false, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('the veil command line', () => {
  const dataDir = tempDir();

  it('creates a synthetic dataset and prints exactly one JSON document with --json', async () => {
    const r = await cli(['--data-dir', dataDir, 'datasets', 'synth', '--name', 'cli-faces', '--identities', '5', '--per-identity', '4', '--size', '32', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ name: 'cli-faces', identities: 5, images: 20, size: 32, channels: 1 });
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['id', 'name', 'identities', 'images', 'size', 'channels']));
  });

  it('lists datasets with --json', async () => {
    const r = await cli(['--data-dir', dataDir, 'datasets', 'list', '--json']);
    expect(JSON.parse(r.stdout).datasets.map((d: { name: string }) => d.name)).toContain('cli-faces');
  });

  it('says it cannot open a --data-dir that is not a folder it can use (IO, exit 4, what to do) instead of an unexpected error', async () => {
    const file = join(dataDir, 'not-a-folder');
    writeFileSync(file, 'a file');
    const r = await cli(['--data-dir', join(file, 'home'), 'datasets', 'list', '--json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'IO', message: expect.stringMatching(/Cannot open the data folder .*not-a-folder.*Point --data-dir \(or VEIL_HOME\) at a folder you can write to/) } });
  });

  it("refuses a command named like an Object.prototype member (toString, constructor) as unknown, exit 2 with a JSON error (regression: it exited 0 and printed nothing)", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const r = await cli(['--data-dir', dataDir, name, '--json']);
      expect(r.code, name).toBe(2);
      expect(JSON.parse(r.stdout), name).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/Unknown command/) } });
    }
  });

  it('exits 3 with a JSON error for a dataset that does not exist', async () => {
    const r = await cli(['--data-dir', dataDir, 'datasets', 'show', 'ghost', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const r = await cli(['--data-dir', dataDir, 'datasets', 'list', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
  });

  it('exits 2 for a malformed number', async () => {
    const r = await cli(['--data-dir', dataDir, 'datasets', 'synth', '--name', 'x', '--identities', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--identities takes a whole number/);
  });

  it('lists the files, identities and duplicates behind a failed import in text mode', async () => {
    const root = tempDir();
    await oneUsableIdentityFolder(root);
    const r = await cli(['--data-dir', dataDir, 'datasets', 'import', root, '--name', 'one-usable']);
    expect(r.code).toBe(2);
    const all = r.stderr.trimEnd().split('\n');
    const lines = all.slice(all.findIndex((l) => l.startsWith('veil: ')));
    expect(lines[0]).toMatch(/^veil: Only 1 identity folder\(s\).*see the report/);
    expect(lines.slice(1)).toEqual([
      '  Files not used (2):',
      expect.stringMatching(/^ {4}bob\/2\.jpg: \S/),
      expect.stringMatching(/^ {4}carol\/1\.png: .*empty/i),
      '  Identities left out (2):',
      '    bob: 1 usable image(s); 2 are needed',
      '    carol: 0 usable image(s); 2 are needed',
      '  Duplicate files (1):',
      '    carol/2.jpg: same content as alice/1.jpg',
    ]);
  });

  it('prints the failed import\'s report in the --json error', async () => {
    const root = tempDir();
    await oneUsableIdentityFolder(root);
    const r = await cli(['--data-dir', dataDir, 'datasets', 'import', root, '--name', 'one-usable', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { duplicates: [['alice/1.jpg', 'carol/2.jpg']] } } });
    expect(doc.error.details.skipped).toEqual([
      { path: 'bob/2.jpg', reason: expect.any(String) },
      { path: 'carol/1.png', reason: expect.stringMatching(/empty/i) },
    ]);
    expect(doc.error.details.droppedIdentities.map((i: { name: string }) => i.name)).toEqual(['bob', 'carol']);
  });

  it('shows the first 20 lines of a long report, then how many more there are', () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c) => (text += c));
    const skipped = Array.from({ length: 30 }, (_, i) => ({ path: `p/${String(i).padStart(2, '0')}.jpg`, reason: 'corrupt' }));
    const code = printError({ json: false, stdout: new PassThrough(), stderr }, { code: 'VALIDATION', message: 'see the report', details: { skipped } });
    expect(code).toBe(2);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toBe('  Files not used (30):');
    expect(lines[20]).toBe('    p/18.jpg: corrupt');
    expect(lines[21]).toBe('  ... and 11 more line(s); run with --json for the whole report.');
  });

  it('prints usage with --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: veil/);
  });
});

describe('veil train and bench', () => {
  const dataDir = tempDir();

  it('trains and prints the CLI.md train fields', async () => {
    await cli(['--data-dir', dataDir, 'datasets', 'synth', '--name', 'f', '--identities', '6', '--per-identity', '5', '--size', '32']);
    const r = await cli(['--data-dir', dataDir, 'train', '--dataset', 'f', '--defense', 'none', '--profile', 'quick', '--epochs', '2', '--backbone', 'scratch', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['runId', 'dataset', 'defense', 'backend', 'seed', 'epochs', 'seconds', 'accuracy', 'policy', 'epsilon']));
    expect(Object.keys(doc.accuracy)).toEqual(['identification', 'verification', 'tarAtFar1e2', 'tarAtFar1e3']);
    expect(doc).toMatchObject({ dataset: 'f', defense: 'none', epochs: 2, seed: 1, policy: null, epsilon: null });
    const show = JSON.parse((await cli(['--data-dir', dataDir, 'runs', 'show', doc.runId, '--json'])).stdout);
    expect(show).toMatchObject({ id: doc.runId, status: 'done', backend: doc.backend, seed: 1 });
  });

  it('exits 2 for an unknown defence', async () => {
    const r = await cli(['--data-dir', dataDir, 'train', '--dataset', 'f', '--defense', 'tinfoil']);
    expect(r.code).toBe(2);
  });

  it('benchmarks probe-cnn and prints images/s', async () => {
    const r = await cli(['bench', 'train', '--model', 'probe-cnn', '--batch', '8', '--seconds', '0.5', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'probe-cnn', backend: 'wasm', batch: 8 });
    expect(doc.imagesPerSecond).toBeGreaterThan(0);
    expect(doc.stepMsMedian).toBeGreaterThan(0);
  });
});

describe('eval identities', () => {
  it('are held apart from private and public ones when asked for', async () => {
    const dataDir = tempDir();
    const r = await cli(['--data-dir', dataDir, 'datasets', 'synth', '--name', 'e', '--identities', '20', '--per-identity', '3', '--size', '32', '--eval-fraction', '0.2', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).splits).toEqual({ private: 12, public: 4, eval: 4 });
  });
});
