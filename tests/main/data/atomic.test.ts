/**
 * Folder commits that survive a crash at any step: the commit is stopped between its steps by the
 * fault hook (as a crash there would leave the disk), and recovery must bring back one complete
 * version: the old one before the new is in place, the new one after. Also at studio start.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitFaults, previousSibling, recoverDirectory, stageDirectory, type CommitStep } from '../../../src/main/data/fs/atomic.ts';
import { selectBackend, tf } from '../../../src/main/engine/backend/select-backend.ts';
import { Params } from '../../../src/main/engine/models/params.ts';
import { freshResume, loadCheckpoint, saveCheckpoint } from '../../../src/main/engine/train/checkpoint.ts';
import { resolveConfig } from '../../../src/main/engine/train/config.ts';
import { openBackend } from '../../../src/main/ipc/backend.ts';
import { tempDir } from '../../helpers/temp.ts';

class Crash extends Error {}

/** Makes the next folder commit stop right before `step`. */
function crashBefore(step: CommitStep): void {
  commitFaults.before = (s) => {
    if (s === step) throw new Crash(`crash before ${step}`);
  };
}

async function commitVersion(target: string, version: string): Promise<void> {
  const stage = await stageDirectory(target);
  writeFileSync(join(stage.path, 'a.txt'), version);
  mkdirSync(join(stage.path, 'sub'));
  writeFileSync(join(stage.path, 'sub', 'b.txt'), version);
  await stage.commit();
}

const versionOf = (target: string): string => {
  expect(readFileSync(join(target, 'sub', 'b.txt'), 'utf8')).toBe(readFileSync(join(target, 'a.txt'), 'utf8'));
  return readFileSync(join(target, 'a.txt'), 'utf8');
};

describe('folder commits', () => {
  afterEach(() => {
    commitFaults.before = null;
  });

  it('replace a folder and leave nothing beside it', async () => {
    const root = tempDir();
    const target = join(root, 'ck');
    await commitVersion(target, 'v1');
    await commitVersion(target, 'v2');
    expect(versionOf(target)).toBe('v2');
    expect(readdirSync(root)).toEqual(['ck']);
  });

  it.each([
    ['aside', 'v1'],
    ['in', 'v1'],
    ['delete', 'v2'],
  ] as const)('stopped before "%s", recover to one complete version (%s)', async (step, expected) => {
    const root = tempDir();
    const target = join(root, 'ck');
    await commitVersion(target, 'v1');
    crashBefore(step);
    await expect(commitVersion(target, 'v2')).rejects.toBeInstanceOf(Crash);
    commitFaults.before = null;
    // What a crash leaves: before "in" the old version exists only aside; never no version at all.
    expect(existsSync(target) || existsSync(previousSibling(target))).toBe(true);
    recoverDirectory(target);
    expect(versionOf(target)).toBe(expected);
    expect(existsSync(previousSibling(target))).toBe(false);
    // the next commit goes through from the recovered state
    await commitVersion(target, 'v3');
    expect(versionOf(target)).toBe('v3');
  });

  it('remove staging folders of dead processes, and keep those of live ones', () => {
    const root = tempDir();
    const target = join(root, 'ck');
    mkdirSync(join(root, '.ck.tmp-999999999-00000000'));
    mkdirSync(join(root, `.ck.tmp-${process.pid}-00000000`));
    recoverDirectory(target);
    expect(readdirSync(root)).toEqual([`.ck.tmp-${process.pid}-00000000`]);
  });
});

describe('checkpoints across a crashed save', () => {
  beforeAll(() => selectBackend('wasm'));
  afterEach(() => {
    commitFaults.before = null;
  });

  it('load the previous complete checkpoint when the save died before renaming the new one in', async () => {
    const dir = join(tempDir(), 'checkpoint');
    const config = resolveConfig({ defense: 'none', profile: 'quick', seed: 1, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } });
    const params = new Params(1);
    const w = params.he('w', [4, 4], 4);
    const opt = tf.train.adam(1e-2);
    await saveCheckpoint(dir, { config, frontEnd: null, params, optimizer: opt, resume: { ...freshResume(), globalStep: 3 } });
    tf.tidy(() => w.assign(w.add(1)));
    crashBefore('in');
    await expect(saveCheckpoint(dir, { config, frontEnd: null, params, optimizer: opt, resume: { ...freshResume(), globalStep: 4 } })).rejects.toBeInstanceOf(Crash);
    commitFaults.before = null;
    const ck = await loadCheckpoint(dir);
    expect(ck.manifest.resume.globalStep).toBe(3);
    params.dispose();
    opt.dispose();
  });

  it('are recovered when the studio starts', async () => {
    const dataDir = tempDir();
    let b = openBackend({ dataDir });
    await b.router.invoke('datasets.synth', { name: 'tiny', identities: 4, perIdentity: 4, size: 32 });
    const dataset = b.store.datasets.resolve('tiny');
    const path = join(dataDir, 'runs', 'run_x', 'checkpoint');
    b.store.runs.create({ id: 'run_x', name: 'x', datasetId: dataset.id, defense: 'none', seed: 1, config: {} });
    b.store.runs.setCheckpoint('run_x', 1, 0, path, 'h');
    b.store.runs.finish('run_x', 'cancelled', null);
    b.close();
    await commitVersion(path, 'v1');
    crashBefore('in');
    await expect(commitVersion(path, 'v2')).rejects.toBeInstanceOf(Crash);
    commitFaults.before = null;
    expect(existsSync(path)).toBe(false);
    b = openBackend({ dataDir });
    expect(versionOf(path)).toBe('v1');
    b.close();
  });
});
