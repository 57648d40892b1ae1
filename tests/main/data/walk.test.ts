import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkImageFolder, type WalkFs } from '../../../src/main/data/ingest/walk.ts';
import { write } from '../../helpers/face-folder.ts';
import { tempDir } from '../../helpers/temp.ts';

describe('walking an ImageFolder tree', () => {
  it('reports an unreadable identity folder and carries on with the others', async () => {
    const root = tempDir();
    write(root, 'alice/1.jpg', 'x');
    write(root, 'bob/1.jpg', 'x');
    // Injected file system: reading bob/ fails as it would without permission (tests run as root here).
    const fs: WalkFs = {
      readdir: async (p) => {
        if (p === join(root, 'bob')) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        return (await readdir(p, { withFileTypes: true })) as Dirent[];
      },
      stat,
      realpath,
    };
    const r = await walkImageFolder(root, fs);
    expect(r.skipped).toEqual([{ path: 'bob', reason: 'unreadable folder (EACCES)' }]);
    expect(r.identities.map((i) => [i.name, i.files.length])).toEqual([
      ['alice', 1],
      ['bob', 0],
    ]);
  });
});
