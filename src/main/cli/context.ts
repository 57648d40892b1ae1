/**
 * What every CLI command gets: parsed arguments, the in-process backend, output streams, the
 * Ctrl-C signal, and `call`, which goes through the same router as IPC and HTTP.
 */
import type { MethodName, RequestOf, ResponseOf } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import type { Backend } from '../ipc/backend.ts';
import type { ParsedArgs } from './args.ts';
import type { Output } from './output.ts';

export interface CliContext {
  args: ParsedArgs;
  out: Output;
  signal: AbortSignal;
  backend(): Backend;
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
}

export type Command = (ctx: CliContext) => Promise<void>;

export function requirePositional(ctx: CliContext, index: number, what: string): string {
  const value = ctx.args.positionals[index];
  if (!value) throw new AppError('VALIDATION', `Missing ${what}. Run \`veil --help\` for usage.`);
  return value;
}
