/**
 * Learning-rate schedules as pure functions of the step: linear warm-up, then cosine decay to 1%.
 */
export function cosineWithWarmup(step: number, totalSteps: number, warmupSteps: number, peak: number): number {
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return peak * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
