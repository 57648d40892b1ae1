/**
 * V8's wasm revectorizer (`--experimental-wasm-revectorize`): TurboFan fuses pairs of 128-bit
 * wasm SIMD operations into 256-bit AVX2 ones where the machine has AVX2. XNNPACK's kernels in
 * tfjs-wasm gain a lot from it, and the newer V8 revectorizes more: probe-cnn at batch 32 on two
 * threads (this machine) trains 438 -> 588 img/s on Node 24 (V8 13.6), 434 -> 492 on Node 22
 * (V8 12.4), 357 -> 493 on Node 26 (V8 14.6); which is why the studio's bundled Node is 24. It
 * changes instruction selection only, not arithmetic: training probe-cnn and the studio network,
 * on one and two threads, ends with bit-identical losses and parameters with and without it on
 * all three (tests/main/engine/backend/wasm-revectorize.test.ts repeats that check in child
 * processes on every test run).
 *
 * V8 flags are per process and read when wasm is compiled, so this runs before the wasm backend
 * is first loaded in any thread (later compiles in the same process see it too). It is set only
 * on V8 12-14 (Node 22-26), the versions known to have the flag (an unknown flag would print an
 * error); `VEIL_WASM_REVECTORIZE=0` turns it off, `=1` forces it.
 */
import { setFlagsFromString } from 'node:v8';

let enabled: boolean | null = null;

/** V8 versions (major) known to have the flag. */
const KNOWN_V8 = [12, 13, 14];

export function revectorizeWanted(env: NodeJS.ProcessEnv = process.env, v8Version: string = process.versions.v8): boolean {
  const forced = env.VEIL_WASM_REVECTORIZE;
  if (forced === '0' || forced === '1') return forced === '1';
  return KNOWN_V8.includes(Number(v8Version.split('.')[0]));
}

/** Sets the flag once per process (when wanted) and returns whether it is on. */
export function enableWasmRevectorize(): boolean {
  if (enabled === null) {
    enabled = revectorizeWanted();
    if (enabled) setFlagsFromString('--experimental-wasm-revectorize');
  }
  return enabled;
}
