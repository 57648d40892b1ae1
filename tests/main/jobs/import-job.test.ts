import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportDatasetResponse } from '../../../src/shared/contract/api.ts';
import { faceFile, goodFolder, hugePngHeader, oneUsableIdentityFolder, pgmFile, write } from '../../helpers/face-folder.ts';
import { tempBackend, tempDir } from '../../helpers/temp.ts';

function treeFingerprint(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isSymbolicLink()) hash.update(`link:${relative(root, p)}`);
      else if (e.isDirectory()) walk(p);
      else hash.update(`${relative(root, p)}:${statSync(p).mtimeMs}:`).update(readFileSync(p));
    }
  };
  walk(root);
  return hash.digest('hex');
}

describe('importing a face folder with every kind of bad input', () => {
  const backend = tempBackend();
  const root = join(tempDir(), 'faces with spaces');
  let report: ImportDatasetResponse;
  let before: string;

  beforeAll(async () => {
    await goodFolder(root, 3, 4); // id-0..id-2, 4 JPEGs each
    write(root, 'Zoë Ångström/photo 1.png', await faceFile(5, 0, 'png'));
    write(root, 'Zoë Ångström/photo 2.webp', await faceFile(5, 1, 'webp'));
    write(root, 'Zoë Ångström/nested/photo 3.tiff', await faceFile(5, 2, 'tiff'));
    write(root, 'pgm-person/1.pgm', pgmFile(6, 0));
    write(root, 'pgm-person/2.pgm', pgmFile(6, 1));
    write(root, 'pgm-person/3.gif', await faceFile(6, 2, 'gif'));
    write(root, 'id-0/corrupt.jpg', Buffer.from('definitely not a jpeg, just text pretending'));
    const jpeg = await faceFile(0, 9, 'jpeg');
    write(root, 'id-0/truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    write(root, 'id-1/empty.png', Buffer.alloc(0));
    write(root, 'id-1/notes.txt', 'a note');
    write(root, 'id-1/tiny.png', await faceFile(1, 9, 'png', 10));
    write(root, 'id-2/huge.png', await hugePngHeader(20000, 20000));
    write(root, 'id-2/copy-of-img-0.jpg', readFileSync(join(root, 'id-0/img-0.jpg')));
    write(root, 'loner/only.jpg', await faceFile(9, 0, 'jpeg'));
    write(root, 'stray.jpg', await faceFile(9, 1, 'jpeg'));
    write(root, 'README.md', '# about this dataset');
    symlinkSync(join(root, 'id-2'), join(root, 'id-2', 'loop'));
    symlinkSync(join(root, 'nowhere'), join(root, 'id-1', 'dangling.jpg'));
    before = treeFingerprint(root);
    const r = await backend.router.invoke('datasets.import', { dir: root, name: 'messy', size: 32 });
    if (!r.ok) throw new Error(r.error.message);
    report = r.value as ImportDatasetResponse;
  });

  const reasonFor = (path: string): string | undefined => report.skipped.find((s) => s.path === path)?.reason;

  it('keeps exactly the usable images of identities with at least 2 of them', () => {
    // id-0..2: 4 good each; Zoë: 3 (png, webp, nested tiff); pgm-person: 2 PGM + 1 GIF.
    expect(report.identities).toBe(5);
    expect(report.images).toBe(12 + 3 + 3);
  });

  it('reports corrupt and truncated files', () => {
    expect(reasonFor('id-0/corrupt.jpg')).toMatch(/not a readable image|corrupt/);
    expect(reasonFor('id-0/truncated.jpg')).toMatch(/corrupt or truncated/);
  });

  it('reports empty, non-image, tiny and huge files', () => {
    expect(reasonFor('id-1/empty.png')).toBe('empty file (0 bytes)');
    expect(reasonFor('id-1/notes.txt')).toMatch(/not an image/);
    expect(reasonFor('id-1/tiny.png')).toMatch(/too small \(10x10/);
    expect(reasonFor('id-2/huge.png')).toMatch(/too large \(20000x20000/);
  });

  it('reports duplicates by content and keeps the first copy', () => {
    expect(report.duplicates).toBe(1);
    expect(reasonFor('id-2/copy-of-img-0.jpg')).toBeUndefined();
  });

  it('reports symlink loops, broken links and files outside identity folders', () => {
    expect(reasonFor('id-2/loop')).toMatch(/symlink loop/);
    expect(reasonFor('id-1/dangling.jpg')).toMatch(/broken link/);
    expect(reasonFor('stray.jpg')).toMatch(/not inside an identity folder/);
    expect(report.ignored.map((s) => s.path)).toEqual(['README.md']);
  });

  it('leaves out identities with fewer than 2 usable images, by name', () => {
    expect(report.droppedIdentities).toEqual(['loner']);
  });

  it('keeps unicode and spaces in identity names and paths', async () => {
    const detail = await backend.router.invoke('datasets.show', { dataset: 'messy' });
    expect(detail.ok && (detail.value as { identityList: { name: string }[] }).identityList.map((i) => i.name)).toContain('Zoë Ångström');
  });

  it('never modifies the source tree', () => {
    expect(treeFingerprint(root)).toBe(before);
  });

  it('stores the report with the dataset', () => {
    const d = backend.store.datasets.detail('messy');
    expect(d.skipped).toEqual(report.skipped);
    expect(d.duplicates).toEqual([['id-0/img-0.jpg', 'id-2/copy-of-img-0.jpg']]);
  });
});

describe('imports that cannot proceed', () => {
  const backend = tempBackend();

  it('fails with NOT_FOUND for a path that does not exist', async () => {
    const r = await backend.router.invoke('datasets.import', { dir: '/no/such/folder', name: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('fails with VALIDATION for an empty folder, explaining the layout', async () => {
    const r = await backend.router.invoke('datasets.import', { dir: tempDir(), name: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!r.ok && r.error.message).toMatch(/<root>\/<identity>\/<image>/);
  });

  it('fails with VALIDATION for a file instead of a folder', async () => {
    const file = join(tempDir(), 'a.jpg');
    writeFileSync(file, await faceFile(0, 0, 'jpeg'));
    const r = await backend.router.invoke('datasets.import', { dir: file, name: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('fails when fewer than 2 identities are usable, and stores nothing', async () => {
    const root = tempDir();
    await goodFolder(root, 1, 3);
    const r = await backend.router.invoke('datasets.import', { dir: root, name: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(backend.store.datasets.list()).toEqual([]);
  });

  it('carries its report when it fails: each unused file with its reason, identities left out, duplicates', async () => {
    const root = tempDir();
    await oneUsableIdentityFolder(root);
    const r = await backend.router.invoke('datasets.import', { dir: root, name: 'one-usable' });
    if (r.ok) throw new Error('the import should have failed');
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.message).toMatch(/see the report/);
    const d = r.error.details!;
    expect(d.skipped!.map((f) => f.path)).toEqual(['bob/2.jpg', 'carol/1.png']);
    expect(d.skipped![0].reason).toMatch(/corrupt|not an image|unsupported/i);
    expect(d.skipped![1].reason).toMatch(/empty/i);
    expect(d.droppedIdentities).toEqual([
      { name: 'bob', reason: '1 usable image(s); 2 are needed' },
      { name: 'carol', reason: '0 usable image(s); 2 are needed' },
    ]);
    expect(d.duplicates).toEqual([['alice/1.jpg', 'carol/2.jpg']]);
  });

  it('leaves no half dataset when cancelled', async () => {
    const root = tempDir();
    await goodFolder(root, 4, 6);
    const controller = new AbortController();
    const unsubscribe = backend.bus.subscribe((e) => {
      if (e.event === 'job.progress' && e.payload.done > 0) controller.abort();
    });
    const r = await backend.router.invoke('datasets.import', { dir: root, name: 'cancelled', size: 32 }, { signal: controller.signal });
    unsubscribe();
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(backend.store.datasets.list()).toEqual([]);
    expect(existsSync(join(backend.dataDir, 'datasets')) ? readdirSync(join(backend.dataDir, 'datasets')) : []).toEqual([]);
  });

  it('leaves no half dataset when writing the cache fails', async () => {
    const root = tempDir();
    await goodFolder(root, 2, 3);
    const broken = tempBackend();
    writeFileSync(join(broken.dataDir, 'datasets'), 'a file where the cache folder should be');
    const r = await broken.router.invoke('datasets.import', { dir: root, name: 'crashy', size: 32 });
    expect(r.ok).toBe(false);
    expect(broken.store.datasets.list()).toEqual([]);
  });
});
