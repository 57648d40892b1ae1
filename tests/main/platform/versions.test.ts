import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STUDIO_VERSION, versions } from '../../../src/main/platform/versions.ts';

describe('recorded versions', () => {
  it('match package.json and the installed tfjs', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(STUDIO_VERSION).toBe(pkg.version);
    expect(versions().tfjs).toBe(pkg.dependencies['@tensorflow/tfjs']);
    expect(versions().node).toBe(process.versions.node);
    expect(versions().v8).toBe(process.versions.v8);
  });
});
