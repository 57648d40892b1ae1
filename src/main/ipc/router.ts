/**
 * The one router every transport dispatches through: checks the method exists, validates the
 * request against its schema (once, here), runs the handler, and returns the Result envelope.
 * Handlers throw AppError; anything else becomes INTERNAL.
 */
import type { z } from 'zod';
import { isMethodName, requestSchemas, type MethodName, type ParsedRequestOf, type ResponseOf } from '../../shared/contract/api.ts';
import { fail, ok, toErrorInfo, type Result } from '../../shared/contract/errors.ts';

export interface CallContext {
  /**
   * Cancels the call and any job it starts: the CLI's Ctrl-C. The HTTP bridge and Electron's IPC
   * pass none: a window or tab that reloads or closes must not cancel its jobs (`jobs.cancel` does).
   */
  signal?: AbortSignal;
}

export type Handlers = {
  [M in MethodName]: (request: ParsedRequestOf<M>, ctx: CallContext) => Promise<ResponseOf<M>> | ResponseOf<M>;
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.length ? i.path.join('.') : 'request';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

export class Router {
  private readonly handlers: Handlers;
  constructor(handlers: Handlers) {
    this.handlers = handlers;
  }

  async invoke(method: string, payload: unknown, ctx: CallContext = {}): Promise<Result<unknown>> {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return fail('UNKNOWN_METHOD', `Unknown method "${String(method)}". Check the method name against the API contract (src/shared/contract/api.ts).`);
    }
    const parsed = requestSchemas[method].safeParse(payload ?? {});
    if (!parsed.success) {
      return fail('VALIDATION', `Invalid request for ${method}: ${describeIssues(parsed.error)}.`);
    }
    try {
      const handler = this.handlers[method] as (req: unknown, ctx: CallContext) => unknown;
      return ok(await handler(parsed.data, ctx));
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }
}
