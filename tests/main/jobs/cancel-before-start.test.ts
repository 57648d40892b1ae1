// A request cancelled before its job or engine call starts is seen as cancelled, not run to the end or waited on forever.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/contract/errors.ts';
import { callEngine } from '../../../src/main/jobs/engine-call.ts';
import { EventBus } from '../../../src/main/jobs/event-bus.ts';
import { JobRunner } from '../../../src/main/jobs/job-runner.ts';
import type { ToWorker } from '../../../src/main/engine/protocol.ts';

const idle = new URL('../../fixtures/idle-worker.ts', import.meta.url);
const call = (onAbort: 'cancel' | (() => Error)) =>
  callEngine<string>({
    request: { type: 'never-answered' } as unknown as ToWorker,
    signal: AbortSignal.abort(),
    onAbort,
    onMessage: (msg, finish) => finish(msg.type),
    crashed: (err) => err,
    exited: (code) => new Error(`exited ${code}`),
    url: idle,
  });

describe('a request cancelled before it starts', () => {
  it('gives up an engine call at once with the abort error', async () => {
    await expect(call(() => new AppError('CANCELLED', 'stopped'))).rejects.toMatchObject({ code: 'CANCELLED' });
  }, 10_000);

  it("asks the engine worker to stop at once, and returns the worker's final message", async () => {
    await expect(call('cancel')).resolves.toBe('cancelled');
  }, 10_000);

  it('ends a job cancelled, without running its work past the first check', async () => {
    const jobs = new JobRunner(new EventBus());
    let ran = false;
    const job = jobs.run('train', 'Training', async (ctx) => (ctx.throwIfCancelled(), (ran = true)), AbortSignal.abort());
    await expect(job).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ran).toBe(false);
    expect(jobs.list().map((j) => j.status)).toEqual(['cancelled']);
  });
});
