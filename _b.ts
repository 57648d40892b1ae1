import { selectBackend, tf } from './src/main/engine/backend/select-backend.ts';
import { benchTrain } from './src/main/engine/bench/train-bench.ts';
import { probeForward, probeParams, PROBE_INPUT, PROBE_CLASSES } from './src/main/engine/models/probe-cnn.ts';
const backend = await selectBackend(process.argv[2] as 'wasm');
console.log(JSON.stringify(await benchTrain({ name: 'probe-cnn', inputShape: PROBE_INPUT, classes: PROBE_CLASSES, params: probeParams, forward: probeForward }, { batch: 32, seconds: 8, backend })));
// profile per kernel
const p = probeParams(1); const opt = tf.train.adam(1e-3); const x = tf.randomNormal([32,14,14,64]) as tf.Tensor4D; const lab = tf.oneHot(tf.randomUniform([32],0,40,'int32'),40);
const ctx = { params: p, training: true };
for (let i=0;i<3;i++) opt.minimize(() => tf.losses.softmaxCrossEntropy(lab, probeForward(ctx, x)) as tf.Scalar, false, p.trainable());
const prof = await tf.profile(() => { opt.minimize(() => tf.losses.softmaxCrossEntropy(lab, probeForward(ctx, x)) as tf.Scalar, false, p.trainable()); });
const agg = new Map<string, number>(); for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...agg].sort((a,b)=>b[1]-a[1]).slice(0,14).map(([n,t])=>`${n}:${t.toFixed(1)}`).join(' '));
