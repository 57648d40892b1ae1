import { describe, expect, it } from 'vitest';
import { tempBackend } from '../../helpers/temp.ts';

describe('the router', () => {
  const backend = tempBackend();

  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const r = await backend.router.invoke('datasets.explode', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('does not treat inherited object keys as methods', async () => {
    const r = await backend.router.invoke('constructor', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('rejects a schema violation with VALIDATION naming the field, and writes nothing', async () => {
    const r = await backend.router.invoke('datasets.synth', { name: 'x', identities: 'many' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!r.ok && r.error.message).toMatch(/identities/);
    const list = await backend.router.invoke('datasets.list', {});
    expect(list).toEqual({ ok: true, value: { datasets: [] } });
  });

  it('rejects unknown fields (strict schemas)', async () => {
    const r = await backend.router.invoke('datasets.list', { sneaky: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('returns NOT_FOUND with a next step for a missing dataset', async () => {
    const r = await backend.router.invoke('datasets.show', { dataset: 'nope' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(!r.ok && r.error.message).toMatch(/veil datasets synth/);
  });

  it('creates a synthetic dataset and lists it', async () => {
    const r = await backend.router.invoke('datasets.synth', { name: 'tiny', identities: 4, perIdentity: 3, size: 32 });
    expect(r).toMatchObject({ ok: true, value: { name: 'tiny', identities: 4, images: 12, size: 32, channels: 1 } });
    const list = await backend.router.invoke('datasets.list', {});
    expect(list.ok && (list.value as { datasets: { name: string }[] }).datasets.map((d) => d.name)).toEqual(['tiny']);
  });

  it('refuses a second dataset with the same name with CONFLICT', async () => {
    const r = await backend.router.invoke('datasets.synth', { name: 'tiny', identities: 4, perIdentity: 3, size: 32 });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
