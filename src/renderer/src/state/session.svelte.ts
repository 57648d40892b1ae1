/**
 * Whether the page's access token still works: `veil serve` refuses it (401) once it restarted
 * with a new one, and the studio then shows how to get back in instead of failing quietly.
 */
export class SessionState {
  tokenRefused = $state(false);

  refuse(): void {
    this.tokenRefused = true;
  }
}
