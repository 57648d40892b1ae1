/**
 * Attack benchmark: `node bench/attack.ts --data-dir DIR --run R [--kind reconstruction]
 * [--public D] [--public-faces N] [--key known|unknown] [--prior gan|linear] [--decoder-loss squared|identity] [--low-res on|off]
 * [--targets N] [--profile quick|standard]` runs one attack
 * on a trained run of an existing data directory and prints its wall time, peak resident memory of
 * the process (the engine worker is a thread of it) and the attack's JSON.
 * Target (ORL 112 grey, standard): under 10 minutes and 2 GB.
 */
import { parseArgs } from 'node:util';
import { openBackend } from '../src/main/ipc/backend.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    run: { type: 'string' },
    kind: { type: 'string', default: 'reconstruction' },
    public: { type: 'string' },
    'public-faces': { type: 'string' },
    key: { type: 'string', default: 'known' },
    prior: { type: 'string' },
    'decoder-loss': { type: 'string' },
    'low-res': { type: 'string' },
    targets: { type: 'string' },
    profile: { type: 'string', default: 'standard' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values['data-dir'] || !values.run) throw new Error('usage: node bench/attack.ts --data-dir DIR --run R [...]');
const backend = openBackend({ dataDir: values['data-dir'] });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let lastPhase = '';
backend.bus.subscribe((e) => {
  if (e.event === 'job.progress' && e.payload.done === e.payload.total && e.payload.total > 0 && lastPhase !== `${e.payload.total}`) {
    lastPhase = `${e.payload.total}`;
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${e.payload.done}/${e.payload.total}\n`);
  }
});
const t0 = performance.now();
const r = await backend.router.invoke('attacks.start', {
  run: values.run,
  kind: values.kind,
  public: values.public,
  publicFaces: values['public-faces'] ? Number(values['public-faces']) : undefined,
  key: values.key,
  prior: values.prior,
  decoderLoss: values['decoder-loss'],
  lowRes: values['low-res'] === undefined ? undefined : values['low-res'] === 'on',
  targets: values.targets ? Number(values.targets) : undefined,
  profile: values.profile,
  seed: Number(values.seed),
});
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
backend.close();
if (!r.ok) throw new Error(r.error.message);
console.log(JSON.stringify({ seconds: +seconds.toFixed(1), peakRssMB: Math.round(peakRss / 2 ** 20), attack: r.value }, null, 2));
