import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/shared/contract/events.ts';
import { EventBus } from '../../../src/main/jobs/event-bus.ts';
import { liveMetrics } from '../../../src/main/jobs/live-metrics.ts';

describe('live training metrics as pushed events', () => {
  function setup(): { sent: EventEnvelope[]; clock: { t: number }; live: ReturnType<typeof liveMetrics> } {
    const bus = new EventBus();
    const sent: EventEnvelope[] = [];
    bus.subscribe((e) => sent.push(e));
    const clock = { t: 0 };
    return { sent, clock, live: liveMetrics(bus, 'run_x', () => clock.t) };
  }
  const step = (epoch: number, s: number) => ({ epoch, step: s, stepsPerEpoch: 10, globalStep: epoch * 10 + s + 1, totalSteps: 30, loss: 2 - s / 10, imagesPerSecond: 50, etaSeconds: 12.4 });

  it('throttles step events to about five a second but always sends an epoch’s last step', () => {
    const { sent, clock, live } = setup();
    for (let s = 0; s < 10; s++) {
      clock.t = s * 50;
      live.step(step(0, s));
    }
    expect(sent.map((e) => (e.payload as { step: number }).step)).toEqual([1, 5, 9, 10]);
  });

  it('carries the global step, the loss, throughput and ETA', () => {
    const { sent, live } = setup();
    live.step(step(2, 3));
    expect(sent[0]).toEqual({
      event: 'runs.metrics',
      payload: { runId: 'run_x', kind: 'step', epoch: 2, step: 24, stepsPerEpoch: 10, values: { loss: 1.7 }, imagesPerSecond: 50, etaSeconds: 12 },
    });
  });

  it('sends every epoch with its finite values only', () => {
    const { sent, live } = setup();
    live.step(step(0, 9));
    live.epoch(0, { loss: 1, accuracy: Number.NaN, reward: 0.5 });
    expect(sent[1].payload).toMatchObject({ kind: 'epoch', epoch: 0, step: 10, values: { loss: 1, reward: 0.5 } });
  });
});
