/**
 * Config diff of two runs, as MLflow and W&B show it: configs flattened to dotted paths, each
 * path with both values and whether they differ.
 */
export interface DiffRow {
  path: string;
  a: string;
  b: string;
  differs: boolean;
}

/** Flattens nested objects to `a.b.c` paths; arrays and scalars are leaves (JSON text). */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = '{}';
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = JSON.stringify(value);
  return out;
}

export function diffConfigs(a: unknown, b: unknown): DiffRow[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const paths = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  return paths.map((path) => ({ path, a: fa[path] ?? '—', b: fb[path] ?? '—', differs: fa[path] !== fb[path] }));
}
