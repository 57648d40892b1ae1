import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/index.ts';
import { tempDir } from '../../helpers/temp.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await runCli(args, { json: false, stdout, stderr });
  return { code, stdout: out };
}

describe('veil report', () => {
  const dataDir = tempDir();

  it('refuses an output file that is neither .html nor .pdf (exit 2)', async () => {
    const r = await cli(['--data-dir', dataDir, 'report', '--dataset', 'x', '--out', 'audit.docx', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain('.html or .pdf');
  });

  it('asks for exactly one of --dataset and --runs (exit 2)', async () => {
    expect((await cli(['--data-dir', dataDir, 'report', '--dataset', 'x', '--runs', 'a,b', '--out', 'a.html'])).code).toBe(2);
    expect((await cli(['--data-dir', dataDir, 'report', '--out', 'a.html'])).code).toBe(2);
  });

  it('says how to get runs when the dataset has none (exit 3)', async () => {
    await cli(['--data-dir', dataDir, 'datasets', 'synth', '--name', 'empty', '--identities', '4', '--per-identity', '3', '--size', '32']);
    const r = await cli(['--data-dir', dataDir, 'report', '--dataset', 'empty', '--out', `${dataDir}/a.html`, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error.message).toContain('veil train --dataset empty');
  });
});
