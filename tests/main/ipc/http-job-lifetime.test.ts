/**
 * A job started over the HTTP bridge outlives its request: a browser tab that reloads or closes
 * drops the request, and the training, attack or export it started goes on; `jobs.cancel` stops it.
 */
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/shared/domain/job.ts';
import { startHttpBridge, type HttpBridge } from '../../../src/main/ipc/http-transport.ts';
import { Router, type Handlers } from '../../../src/main/ipc/router.ts';
import { EventBus } from '../../../src/main/jobs/event-bus.ts';
import { JobRunner } from '../../../src/main/jobs/job-runner.ts';

/** Jobs that wait at a gate the test opens, then check for cancellation as real jobs do. */
function gatedJobs(jobs: JobRunner): { handlers: Handlers; arm: () => () => void } {
  let gate = Promise.resolve();
  const arm = (): (() => void) => {
    let open = (): void => undefined;
    gate = new Promise<void>((resolve) => (open = resolve));
    return open;
  };
  const handlers = {
    'datasets.synth': (_req: unknown, ctx: { signal?: AbortSignal }) =>
      jobs.run('train', 'Training (gated)', async (job) => {
        await gate;
        job.throwIfCancelled();
        return { finished: true };
      }, ctx.signal),
    'jobs.cancel': (req: { jobId: string }) => ({ cancelled: jobs.cancel(req.jobId) }),
  } as unknown as Handlers;
  return { handlers, arm };
}

describe('a job started over the HTTP bridge', () => {
  const bus = new EventBus();
  const jobs = new JobRunner(bus);
  const { handlers, arm } = gatedJobs(jobs);
  let bridge: HttpBridge;
  beforeAll(async () => {
    bridge = await startHttpBridge({ router: new Router(handlers), bus, rendererDir: null });
  });
  afterAll(() => bridge.close());

  const post = (method: string, body: unknown): ClientRequest => {
    const req = request({
      host: '127.0.0.1',
      port: bridge.port,
      path: `/api/${method}`,
      method: 'POST',
      headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' },
    });
    req.on('error', () => undefined); // the test destroys it on purpose
    req.end(JSON.stringify(body));
    return req;
  };
  const nextJob = (status: JobInfo['status']): Promise<JobInfo> =>
    new Promise((resolve) => {
      const off = bus.subscribe((e) => {
        if (e.event === 'job.progress' && e.payload.status === status) resolve((off(), e.payload));
      });
    });
  const synth = { name: 'gated', identities: 2, perIdentity: 2, size: 32 };

  it('still finishes when its request goes away (a reload does not cancel a training)', async () => {
    const open = arm();
    const serverSawClose = new Promise<void>((resolve) => bridge.server.once('request', (_q, res) => res.once('close', () => resolve())));
    const started = nextJob('running');
    const req = post('datasets.synth', synth);
    const job = await started;
    const ended = new Promise<JobInfo>((resolve) => {
      const off = bus.subscribe((e) => {
        if (e.event === 'job.progress' && e.payload.id === job.id && e.payload.status !== 'running') resolve((off(), e.payload));
      });
    });
    req.destroy();
    await serverSawClose;
    open();
    expect((await ended).status).toBe('done');
    expect(jobs.list().find((j) => j.id === job.id)?.status).toBe('done');
  });

  it('is still stopped by jobs.cancel', async () => {
    const open = arm();
    const started = nextJob('running');
    const req = post('datasets.synth', synth);
    const job = await started;
    const cancelled = nextJob('cancelled');
    const answer = await fetch(`${bridge.origin}/api/jobs.cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jobId: job.id }),
    });
    expect(await answer.json()).toEqual({ ok: true, value: { cancelled: true } });
    open();
    expect((await cancelled).id).toBe(job.id);
    req.destroy();
  });
});
