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

/** Where one step's time went: its seconds, whether it was reused or skipped, and its phases. */
export interface StepTiming {
  label: string;
  seconds: number;
  /** false when the step was reused from an earlier demo or skipped */
  measured: boolean;
  /** the job's named phases within the step (an attack: GAN prior, judge, scoring), in order */
  phases: { phase: string; seconds: number }[];
}

/** Tracks steps done, prints `demo [3/9] 1m20s in, about 2m10s left: <label>`, and times each step and phase. */
export class DemoClock {
  private readonly now: () => number;
  private readonly started: number;
  private doneExpected = 0;
  private measuredSeconds = 0;
  private stepStart = 0;
  private index = 0;
  private label = '';
  private phaseName: string | null = null;
  private phaseStart = 0;
  private phases: StepTiming['phases'] = [];
  private readonly steps: Step[];
  private readonly done: StepTiming[] = [];
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

  private pace(): number {
    // too little measured to trust a pace yet: use the guesses as they are
    return this.doneExpected >= 20 ? Math.min(10, Math.max(0.25, this.measuredSeconds / this.doneExpected)) : 1;
  }

  /** Seconds left for the whole demo: the remaining guesses scaled by the pace so far, less what the current step has run. */
  eta(): number {
    const pace = this.pace();
    const [current, ...rest] = this.steps.slice(this.index);
    const inStep = this.label && current ? Math.max(0, current.expected * pace - (this.elapsed() - this.stepStart)) : (current?.expected ?? 0) * pace;
    return Math.round(inStep + rest.reduce((n, s) => n + s.expected, 0) * pace);
  }

  /** One line for progress printers: the step and the whole demo's ETA. */
  status(): string {
    return `demo [${Math.min(this.index + 1, this.steps.length)}/${this.steps.length}] ${clock(this.elapsed())} in, about ${clock(this.eta())} left`;
  }

  begin(label: string): void {
    this.stepStart = this.elapsed();
    this.label = label;
    this.write(`${this.status()}: ${label}`);
    this.phases = [];
    this.phaseName = null;
  }

  /** The running step's job entered a named phase (from its progress events). */
  phase(name: string): void {
    if (!this.label || name === this.phaseName) return;
    this.closePhase();
    this.phaseName = name;
    this.phaseStart = this.elapsed();
  }

  private closePhase(): void {
    if (this.phaseName !== null) this.phases.push({ phase: this.phaseName, seconds: round1(this.elapsed() - this.phaseStart) });
    this.phaseName = null;
  }

  /** Steps still ahead whose label matches will not run (an attack kind or a defence this build lacks): they leave the ETA. */
  drop(match: (label: string) => boolean): void {
    for (const step of this.steps.slice(this.index + 1)) if (match(step.label)) step.expected = 0;
  }

  /** Ends the current step; `measured: false` (skipped or reused) keeps it out of the pace. */
  end(measured = true): void {
    const seconds = this.elapsed() - this.stepStart;
    if (measured) {
      this.doneExpected += this.steps[this.index]?.expected ?? 0;
      this.measuredSeconds += seconds;
    }
    this.closePhase();
    this.done.push({ label: this.label, seconds: round1(seconds), measured, phases: this.phases });
    this.label = '';
    this.index++;
  }

  /** Every finished step's timing, in order. */
  timings(): StepTiming[] {
    return this.done.map((t) => ({ ...t, phases: [...t.phases] }));
  }
}

function round1(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
