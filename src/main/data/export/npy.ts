/**
 * NumPy `.npy` (format 1.0) writing and reading for float32 and int32 arrays, so exported masked
 * sets load with `numpy.load` (and torch/jax) with no conversion.
 */
const MAGIC = '\x93NUMPY';

export type NpyArray = { dtype: 'float32'; data: Float32Array; shape: number[] } | { dtype: 'int32'; data: Int32Array; shape: number[] };

export function encodeNpy(arr: NpyArray): Uint8Array {
  const descr = arr.dtype === 'float32' ? '<f4' : '<i4';
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = MAGIC.length + 4 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(MAGIC.length + 4 + header.length);
  for (let i = 0; i < MAGIC.length; i++) head[i] = MAGIC.charCodeAt(i);
  head[6] = 1;
  head[7] = 0;
  new DataView(head.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array): NpyArray {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error('not a .npy file');
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + len));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = bytes.slice(10 + len);
  if (descr === '<f4') return { dtype: 'float32', data: new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4), shape };
  if (descr === '<i4') return { dtype: 'int32', data: new Int32Array(body.buffer, body.byteOffset, body.byteLength / 4), shape };
  throw new Error(`unsupported .npy dtype ${descr}`);
}
