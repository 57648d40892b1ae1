import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/index.ts';
import { compareTable } from '../../../src/main/cli/commands/compare.ts';
import type { CompareRow } from '../../../src/shared/domain/attack.ts';
import { tempDir } from '../../helpers/temp.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await runCli(args, { json: false, stdout, stderr });
  return { code, stdout: out };
}

describe('veil attack and veil compare', () => {
  const dataDir = tempDir();

  it('answer NOT_FOUND (exit 3) for a run that does not exist, for every attack kind', async () => {
    for (const kind of ['whitebox', 'blackbox', 'reconstruction']) {
      const r = await cli(['--data-dir', dataDir, 'attack', '--run', 'any', '--kind', kind, '--json']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).error.code).toBe('NOT_FOUND');
    }
  });

  it('refuse a compare without --dataset or --runs (exit 2)', async () => {
    expect((await cli(['--data-dir', dataDir, 'compare'])).code).toBe(2);
  });

  it('print a table that marks partial Score_pp and unmeasured scores', () => {
    const row: CompareRow = {
      runId: 'r', name: 'orl-fd', defense: 'ppfr-fd', seed: 1, status: 'done',
      accuracy: { identification: 0.9, verification: 0.8, tarAtFar1e2: null, tarAtFar1e3: null },
      scoreCls: { identification: 0.95, verification: 0.9, tarAtFar1e2: null, tarAtFar1e3: null },
      scorePp: 0.5, scorePpPartial: true, s1: 0.4, s2: 0.6, s3: null, s4: null, attacks: {}, referenceRunId: 'n',
    };
    const table = compareTable({ rows: [row], reference: { runId: 'n' } });
    expect(table).toMatch(/0\.500\*/);
    expect(table.split('\n')[2]).toMatch(/orl-fd\s+ppfr-fd/);
  });
});
