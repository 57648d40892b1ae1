import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTorchPython } from '../../bench/python.ts';
import { tempDir } from '../helpers/temp.ts';

/** A stand-in Python: answers the torch import check with a version, or fails it like a Python without torch. */
function fakePython(dir: string, name: string, torch: string | null): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, torch ? `#!/bin/sh\necho ${torch}\n` : `#!/bin/sh\necho "No module named 'torch'" >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('finding a Python with torch for bench:side-by-side', () => {
  const root = tempDir();
  const shim = join(root, 'shims');
  const debian = join(root, 'usr-bin');
  fakePython(shim, 'python3', null);
  const withTorch = fakePython(debian, 'python3', '2.6.0');

  it('passes over a python3 on PATH without torch and takes the one that has it', () => {
    expect(findTorchPython({ env: { PATH: shim }, fixed: [withTorch] })).toEqual({ path: withTorch, torch: '2.6.0' });
    expect(findTorchPython({ env: { PATH: `${shim}:${debian}` }, fixed: [] })).toEqual({ path: withTorch, torch: '2.6.0' });
  });

  it('takes VEIL_PYTHON first', () => {
    const mine = fakePython(join(root, 'mine'), 'py', '9.9.9');
    expect(findTorchPython({ env: { VEIL_PYTHON: mine, PATH: debian }, fixed: [withTorch] })).toEqual({ path: mine, torch: '9.9.9' });
  });

  it('refuses a VEIL_PYTHON without torch rather than quietly using another one', () => {
    expect(() => findTorchPython({ env: { VEIL_PYTHON: join(shim, 'python3'), PATH: debian }, fixed: [withTorch] })).toThrow(/VEIL_PYTHON is .*cannot import torch/);
  });

  it('says what to install when no Python imports torch', () => {
    expect(() => findTorchPython({ env: { PATH: shim }, fixed: [] })).toThrow(/tried: .*shims\/python3.*apt-get install python3-torch.*VEIL_PYTHON/);
  });
});
