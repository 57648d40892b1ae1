// runs.delete removes the run's attack folders (reconstructed faces) too, refuses while an attack of it runs, and survives a crash mid-way.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverDeletedRuns } from '../../../src/main/jobs/delete-run.ts';
import { tempBackend } from '../../helpers/temp.ts';

const DEAD_PID = 2 ** 22 + 1; // above Linux's pid_max: never a live process

describe('deleting a run with attacks', () => {
  const b = tempBackend();
  const folder = (...p: string[]): string => join(b.dataDir, ...p);

  async function runWithAttack(run: string, attack: string, attackStatus: 'done' | 'running'): Promise<void> {
    if (!b.store.datasets.list().length) await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 });
    b.store.runs.create({ id: run, name: run, datasetId: b.store.datasets.list()[0].id, defense: 'none', seed: 1, config: {} });
    b.store.runs.finish(run, 'done', null);
    b.store.attacks.create({ id: attack, runId: run, kind: 'reconstruction', judge: 'pretrained', seed: 1, config: {} });
    if (attackStatus === 'done') b.store.attacks.finish(attack, { status: 'done' });
    for (const dir of [folder('runs', run), folder('attacks', attack)]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'grid.png'), 'faces');
    }
  }

  it("removes each attack's folder of reconstructed faces with the run", async () => {
    await runWithAttack('run_a', 'atk_a', 'done');
    expect((await b.router.invoke('runs.delete', { run: 'run_a' })).ok).toBe(true);
    expect(existsSync(folder('attacks', 'atk_a'))).toBe(false);
    expect(existsSync(folder('runs', 'run_a'))).toBe(false);
    expect(b.store.attacks.list()).toEqual([]);
  });

  it('refuses while an attack on the run is running, says to cancel it, and keeps everything', async () => {
    await runWithAttack('run_b', 'atk_b', 'running');
    const r = await b.router.invoke('runs.delete', { run: 'run_b' });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/Attack atk_b .* is still running\. Cancel the attack first/) });
    expect(existsSync(join(folder('attacks', 'atk_b'), 'grid.png'))).toBe(true);
    expect(b.store.runs.list().some((x) => x.id === 'run_b')).toBe(true);
  });

  it('puts back what it moved and deletes nothing when a folder cannot be moved, and says so (IO)', async () => {
    await runWithAttack('run_d', 'atk_d', 'done');
    // the attack's folder cannot move: its place in the trash is taken by a non-empty folder (ENOTEMPTY)
    mkdirSync(folder('.trash', `run_d-${process.pid}`, 'attacks', 'atk_d', 'taken'), { recursive: true });
    const r = await b.router.invoke('runs.delete', { run: 'run_d' });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'IO', message: expect.stringMatching(/Cannot delete run "run_d".*Nothing was deleted/) });
    expect(existsSync(join(folder('runs', 'run_d'), 'grid.png'))).toBe(true);
    expect(existsSync(join(folder('attacks', 'atk_d'), 'grid.png'))).toBe(true);
    expect(b.store.runs.list().some((x) => x.id === 'run_d')).toBe(true);
  });

  it('after a crash puts the folders back when the run still exists, and removes them when it is gone', async () => {
    await runWithAttack('run_c', 'atk_c', 'done');
    const trash = folder('.trash', `run_c-${DEAD_PID}`);
    mkdirSync(join(trash, 'attacks'), { recursive: true });
    renameSync(folder('attacks', 'atk_c'), join(trash, 'attacks', 'atk_c'));
    renameSync(folder('runs', 'run_c'), join(trash, 'run'));
    recoverDeletedRuns(b.store, b.dataDir);
    expect(existsSync(join(folder('attacks', 'atk_c'), 'grid.png'))).toBe(true);
    expect(existsSync(join(folder('runs', 'run_c'), 'grid.png'))).toBe(true);
    expect(existsSync(trash)).toBe(false);

    mkdirSync(join(trash, 'attacks'), { recursive: true });
    renameSync(folder('attacks', 'atk_c'), join(trash, 'attacks', 'atk_c'));
    b.store.runs.delete('run_c');
    recoverDeletedRuns(b.store, b.dataDir);
    expect(existsSync(trash)).toBe(false);
    expect(existsSync(folder('attacks', 'atk_c'))).toBe(false);
  });
});
