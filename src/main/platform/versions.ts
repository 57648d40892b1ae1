/**
 * Software versions recorded with every run and shown in the studio.
 */
import { readFileSync } from 'node:fs';
import type { Versions } from '../../shared/contract/api.ts';

function packageVersion(spec: string): string {
  try {
    const url = import.meta.resolve(`${spec}/package.json`);
    return (JSON.parse(readFileSync(new URL(url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let cached: Versions | null = null;

export function versions(): Versions {
  cached ??= {
    studio: STUDIO_VERSION,
    node: process.versions.node,
    v8: process.versions.v8,
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    electron: process.versions.electron ?? null,
  };
  return cached;
}

/** Kept in step with package.json by tests/main/platform/versions.test.ts. */
export const STUDIO_VERSION = '0.1.0';
