/**
 * `veil bench train --model probe-cnn|default [--batch 32] [--seconds 20] [--workers 1|2]`
 * (CLI.md): images/s of training steps on random data, on the selected backend. `probe-cnn` is
 * DESIGN.md section 9's fixed model; `default` is the studio's FR network (standard profile) on
 * its default input, 112x112 grey through the frequency front end (`[14, 14, 36]`), 40 classes.
 * Default workers: 2 where the machine has 2 cores (as training uses), else 1.
 */
import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/contract/errors.ts';
import { selectBackend } from '../../engine/backend/select-backend.ts';
import { benchTrain } from '../../engine/bench/train-bench.ts';
import { intFlag, numberFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

export async function benchCommand(ctx: CliContext): Promise<void> {
  const what = requirePositional(ctx, 1, 'benchmark (train)');
  if (what !== 'train') throw new AppError('VALIDATION', `Unknown benchmark "${what}". Use \`veil bench train\`.`);
  const model = ctx.args.flags.model ?? 'probe-cnn';
  if (model !== 'probe-cnn' && model !== 'default') throw new AppError('VALIDATION', '--model must be probe-cnn or default.');
  const workers = intFlag(ctx.args.flags, 'workers', Math.min(2, availableParallelism()));
  if (workers < 1 || workers > 2) throw new AppError('VALIDATION', '--workers must be 1 or 2.');
  const backend = await selectBackend(ctx.args.backend);
  const r = await benchTrain(model, { batch: intFlag(ctx.args.flags, 'batch', 32), seconds: numberFlag(ctx.args.flags, 'seconds') ?? 20, backend, workers });
  printResult(ctx.out, r, () => `${r.model} on ${r.backend}${r.wasmRevectorize ? ' (revectorized)' : ''} (${r.workers} worker${r.workers > 1 ? 's' : ''}), batch ${r.batch}: ${r.imagesPerSecond} images/s (median step ${r.stepMsMedian} ms over ${r.steps} steps)`);
}
