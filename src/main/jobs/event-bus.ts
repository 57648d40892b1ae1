/**
 * The backend's event bus: jobs and handlers publish typed events; transports (IPC, SSE)
 * subscribe and forward them to clients.
 */
import type { EventEnvelope, EventMap, EventName } from '../../shared/contract/events.ts';

type Listener = (envelope: EventEnvelope) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    const envelope = { event, payload } as EventEnvelope;
    for (const l of this.listeners) l(envelope);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
