import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/index.ts';
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

  it('prints usage with --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: veil/);
  });
});
