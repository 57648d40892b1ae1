/**
 * `veil bench train --model probe-cnn|default` (CLI.md): images/s of training steps on random
 * data, on the selected backend. `probe-cnn` is DESIGN.md section 9's fixed model; `default` is
 * the studio's FR network (standard profile) on its default input, 112x112 grey through the
 * frequency front end (`[14, 14, 36]`), 40 classes.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { selectBackend } from '../../engine/backend/select-backend.ts';
import { benchTrain, type BenchModel } from '../../engine/bench/train-bench.ts';
import { PROBE_CLASSES, PROBE_INPUT, probeForward, probeParams } from '../../engine/models/probe-cnn.ts';
import { frNetForward, frNetParams } from '../../engine/models/fr-net.ts';
import { denseParams, dense } from '../../engine/models/layers.ts';
import { resolveConfig } from '../../engine/train/config.ts';
import { intFlag, numberFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

function defaultModel(): BenchModel {
  const cfg = resolveConfig({ defense: 'ppfr-fd', profile: 'standard', seed: 1, backend: 'wasm', input: { size: 112, channels: 1, classes: 40 } });
  return {
    name: 'default',
    inputShape: [14, 14, cfg.net.inputChannels],
    classes: 40,
    params: (seed) => {
      const p = frNetParams(cfg.net, seed);
      denseParams(p, 'bench-head', cfg.net.embedding, 40);
      return p;
    },
    forward: (ctx, x) => dense(ctx, 'bench-head', frNetForward(ctx, cfg.net, x)),
  };
}

export async function benchCommand(ctx: CliContext): Promise<void> {
  const what = requirePositional(ctx, 1, 'benchmark (train)');
  if (what !== 'train') throw new AppError('VALIDATION', `Unknown benchmark "${what}". Use \`veil bench train\`.`);
  const name = ctx.args.flags.model ?? 'probe-cnn';
  const model: BenchModel =
    name === 'probe-cnn'
      ? { name, inputShape: PROBE_INPUT, classes: PROBE_CLASSES, params: probeParams, forward: probeForward }
      : name === 'default'
        ? defaultModel()
        : (() => {
            throw new AppError('VALIDATION', '--model must be probe-cnn or default.');
          })();
  const backend = await selectBackend(ctx.args.backend);
  const r = await benchTrain(model, { batch: intFlag(ctx.args.flags, 'batch', 32), seconds: numberFlag(ctx.args.flags, 'seconds') ?? 20, backend });
  printResult(ctx.out, r, () => `${r.model} on ${r.backend}, batch ${r.batch}: ${r.imagesPerSecond} images/s (median step ${r.stepMsMedian} ms over ${r.steps} steps)`);
}
