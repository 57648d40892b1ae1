/**
 * Whether a process id is alive: the one liveness check behind marking runs and attacks
 * interrupted and behind cleaning staging folders that a dead process left.
 */

/** True when a process with this id exists (ours, or one we may not signal). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
