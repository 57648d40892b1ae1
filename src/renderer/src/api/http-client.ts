/**
 * The browser implementation of `VeilApi` over the loopback HTTP bridge: `POST /api/<method>`
 * with the per-launch bearer token, and server-sent events read from a streamed fetch (so the
 * token never appears in a URL). The token comes from token.ts. No DOM globals: it runs in Node tests.
 */
import type { MethodName, RequestOf, ResponseOf, VeilApi } from '../../../shared/contract/api.ts';
import type { Result } from '../../../shared/contract/errors.ts';
import type { EventEnvelope, EventMap, EventName } from '../../../shared/contract/events.ts';

export interface HttpApiOptions {
  /** called when the server refuses the token (401: `veil serve` restarted with a new one) */
  onUnauthorized?: () => void;
  /** the fetch to use (tests inject one) */
  fetch?: typeof fetch;
}

export class HttpApi implements VeilApi {
  private readonly token: string;
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly fetch: typeof fetch;
  private readonly onUnauthorized: () => void;
  private streaming = false;

  constructor(token: string, options: HttpApiOptions = {}) {
    this.token = token;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.onUnauthorized = options.onUnauthorized ?? (() => {});
  }

  async invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>> {
    try {
      const res = await this.fetch(`/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(request ?? {}),
      });
      if (res.status === 401) this.onUnauthorized();
      return (await res.json()) as Result<ResponseOf<M>>;
    } catch (err) {
      return { ok: false, error: { code: 'IO', message: `The studio server did not answer (${(err as Error).message}). Is \`veil serve\` still running?` } };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(event, set);
    if (!this.streaming) void this.stream();
    return () => set.delete(listener as (payload: never) => void);
  }

  private dispatch(envelope: EventEnvelope): void {
    for (const l of this.listeners.get(envelope.event) ?? []) (l as (p: unknown) => void)(envelope.payload);
  }

  /** Reads the event stream, reconnecting with backoff when it drops; stops for good when the token is refused. */
  private async stream(): Promise<void> {
    this.streaming = true;
    let delay = 500;
    for (;;) {
      try {
        const res = await this.fetch('/api/events', { headers: { Authorization: `Bearer ${this.token}` } });
        if (res.status === 401) return this.onUnauthorized();
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (data) this.dispatch(JSON.parse(data) as EventEnvelope);
          }
        }
      } catch {
        // a dropped connection or a server not (yet) answering: retry below
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }
}
