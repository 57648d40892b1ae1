/**
 * The `veil` command line: parses arguments, opens the backend in process, dispatches commands,
 * maps failures to exit codes, and turns Ctrl-C into a cancelled job (exit 5).
 */
import { AppError, toErrorInfo } from '../../shared/contract/errors.ts';
import { openBackend, type Backend } from '../ipc/backend.ts';
import { resolveDataDir } from '../platform/data-dir.ts';
import { parseCli, USAGE } from './args.ts';
import { attackCommand } from './commands/attack.ts';
import { compareCommand } from './commands/compare.ts';
import { datasetsCommand } from './commands/datasets.ts';
import { demoCommand } from './commands/demo.ts';
import { benchCommand } from './commands/bench.ts';
import { exportCommand } from './commands/export.ts';
import { reportCommand } from './commands/report.ts';
import { runsCommand } from './commands/runs.ts';
import { trainCommand } from './commands/train.ts';
import { serveCommand } from './commands/serve.ts';
import type { CliContext, Command } from './context.ts';
import { printError, progressPrinter, type Output } from './output.ts';

const COMMANDS: Record<string, Command> = {
  datasets: datasetsCommand,
  runs: runsCommand,
  train: trainCommand,
  bench: benchCommand,
  export: exportCommand,
  serve: serveCommand,
  demo: demoCommand,
  report: reportCommand,
  attack: attackCommand,
  compare: compareCommand,
};

export async function runCli(argv: string[], out: Output = { json: false, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let backend: Backend | null = null;
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const args = parseCli(argv);
    out.json = args.json;
    const name = args.positionals[0];
    if (args.flags.help || !name) {
      out.stdout.write(`${USAGE}\n`);
      return name || args.flags.help ? 0 : 2;
    }
    // own keys only: `veil toString` or `veil constructor` must not reach Object.prototype's functions (exit 0, no output)
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new AppError('VALIDATION', `Unknown command "${name}". Run \`veil --help\` for the list of commands.`);
    const ctx: CliContext = {
      args,
      out,
      signal: controller.signal,
      backend: () => {
        if (!backend) {
          backend = openBackend({ dataDir: resolveDataDir(args.dataDir) });
          const print = progressPrinter(out);
          backend.bus.subscribe((e) => {
            if (e.event === 'job.progress') print(e.payload);
          });
        }
        return backend;
      },
      call: async (method, request) => {
        const result = await ctx.backend().router.invoke(method, request, { signal: controller.signal });
        if (!result.ok) throw AppError.from(result.error);
        return result.value as never;
      },
    };
    await command(ctx);
    return 0;
  } catch (err) {
    return printError(out, toErrorInfo(err));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    (backend as Backend | null)?.close();
  }
}
