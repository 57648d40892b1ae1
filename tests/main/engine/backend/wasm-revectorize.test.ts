import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { revectorizeWanted } from '../../../../src/main/engine/backend/wasm-revectorize.ts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../fixtures/train-fingerprint.ts', import.meta.url));

async function fingerprint(flag: '0' | '1'): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [script], { env: { ...process.env, VEIL_WASM_REVECTORIZE: flag }, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe("V8's wasm revectorizer", () => {
  it('is on for V8 12 to 14 unless VEIL_WASM_REVECTORIZE says otherwise', () => {
    expect(revectorizeWanted({}, '12.4.254.21-node.57')).toBe(true);
    expect(revectorizeWanted({}, '13.6.233.17-node.53')).toBe(true);
    expect(revectorizeWanted({}, '14.6.202.34-node.34')).toBe(true);
    expect(revectorizeWanted({}, '11.3.244.8-node.38')).toBe(false);
    expect(revectorizeWanted({}, '15.0.1')).toBe(false);
    expect(revectorizeWanted({ VEIL_WASM_REVECTORIZE: '0' }, '13.6.233')).toBe(false);
    expect(revectorizeWanted({ VEIL_WASM_REVECTORIZE: '1' }, '15.0.1')).toBe(true);
  });

  it('leaves training bit for bit the same (probe-cnn on two threads, the studio network on one)', async () => {
    const [off, on] = await Promise.all([fingerprint('0'), fingerprint('1')]);
    expect(off.revectorize).toBe(false);
    expect(on.revectorize).toBe(true);
    expect(on['probe-cnn']).toEqual(off['probe-cnn']);
    expect(on.default).toEqual(off.default);
    expect((off['probe-cnn'] as { losses: number[] }).losses).toHaveLength(6);
  }, 180_000);
});
