/**
 * The demo's plan and its whole-demo ETA: the defences and attacks it runs, a prior guess of each
 * step's seconds (measured on this 2-core machine), rescaled by how fast the finished steps went.
 */
import type { Defense, TrainResult } from '../../../shared/domain/run.ts';

export interface DemoDefence {
  defense: Defense;
  /** fixed mixing k (freq-mixup) */
  k?: number;
}

/** The undefended reference, the frequency front end, the fixed-k ablation and the full method. */
export const DEMO_DEFENCES: readonly DemoDefence[] = [{ defense: 'none' }, { defense: 'ppfr-fd' }, { defense: 'freq-mixup', k: 3 }, { defense: 'adaptive' }];

/** A trained (or reused) run of the demo, as its train result. */
export interface DemoRun extends TrainResult {
  /** `freq-mixup k=3` */
  label: string;
  /** true when a finished run of an earlier demo was reused */
  reused: boolean;
}

export function defenceName(d: DemoDefence): string {
  return d.k === undefined ? d.defense : `${d.defense} k=${d.k}`;
}

export interface Step {
  label: string;
  /** prior guess of its seconds */
  expected: number;
}

/** Tracks steps done and prints `[3/9] 1m20s in, about 2m10s left: <label>`. */
export class DemoClock {
  private readonly now: () => number;
  private readonly started: number;
  private doneExpected = 0;
  private measuredSeconds = 0;
  private stepStart = 0;
  private index = 0;
  private readonly steps: Step[];
  private readonly write: (line: string) => void;

  /** `now`: milliseconds (injected by tests) */
  constructor(steps: Step[], write: (line: string) => void, now: () => number = () => performance.now()) {
    this.steps = steps.map((s) => ({ ...s }));
    this.write = write;
    this.now = now;
    this.started = now();
  }

  elapsed(): number {
    return (this.now() - this.started) / 1000;
  }

  /** Seconds left for the whole demo: the remaining guesses, scaled by the pace so far. */
  eta(): number {
    const remaining = this.steps.slice(this.index).reduce((n, s) => n + s.expected, 0);
    // too little measured to trust a pace yet: use the guesses as they are
    const pace = this.doneExpected >= 20 ? Math.min(10, Math.max(0.25, this.measuredSeconds / this.doneExpected)) : 1;
    return Math.round(remaining * pace);
  }

  begin(label: string): void {
    this.stepStart = this.elapsed();
    this.write(`demo [${this.index + 1}/${this.steps.length}] ${clock(this.elapsed())} in, about ${clock(this.eta())} left: ${label}`);
  }

  /** Steps still ahead whose label matches will not run (an attack kind or a defence this build lacks): they leave the ETA. */
  drop(match: (label: string) => boolean): void {
    for (const step of this.steps.slice(this.index + 1)) if (match(step.label)) step.expected = 0;
  }

  /** Ends the current step; `measured: false` (skipped or reused) keeps it out of the pace. */
  end(measured = true): void {
    if (measured) {
      this.doneExpected += this.steps[this.index]?.expected ?? 0;
      this.measuredSeconds += this.elapsed() - this.stepStart;
    }
    this.index++;
  }
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
