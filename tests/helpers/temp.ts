/**
 * Test helpers: temporary folders removed after the test file, and a backend on a temp data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openBackend, type Backend } from '../../src/main/ipc/backend.ts';

export function tempDir(prefix = 'veil-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempBackend(): Backend {
  const backend = openBackend({ dataDir: tempDir() });
  afterAll(() => backend.close());
  return backend;
}
