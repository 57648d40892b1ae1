/**
 * Which runs are "the same experiment but for the seed": the key of a run's frozen config with the
 * seed left out, so the Compare scatter and tables can group seeds. Pure.
 */

/**
 * Left out of the key [ours]: the seed; any `...Seed` value equal to the run's seed (derived from
 * it, e.g. the front end's `keySeed`); the engine backend and worker count (where it ran, not what
 * it trained); and null or absent fields alike (older configs lack fields newer ones set to null).
 */
const EXECUTION_ONLY = new Set(['seed', 'backend', 'workers']);

function canonical(value: unknown, seed: number, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, seed, false));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === null || v === undefined) continue;
    if (top && EXECUTION_ONLY.has(key)) continue;
    if (/seed$/i.test(key) && v === seed) continue;
    out[key] = canonical(v, seed, false);
  }
  return out;
}

/** Equal for two runs of one dataset whose frozen configs differ only in the seed. */
export function seedGroupKey(datasetId: string, config: unknown, seed: number): string {
  return `${datasetId}|${JSON.stringify(canonical(config, seed, true))}`;
}
