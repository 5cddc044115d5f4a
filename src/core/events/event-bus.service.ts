import { Injectable, Logger } from '@nestjs/common';
import { currentCorrelationId } from '../correlation/correlation';
import { guarded } from '../util/guarded';
import { timeOrderedId } from '../util/time-ordered-id';
import { isoNow } from '../util/iso-now';

export type Severity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** CONTRACT §6 envelope. */
export interface VxEvent<P extends Record<string, unknown> = Record<string, unknown>> {
  event_id: string;
  type: string;
  source: string;
  timestamp: string;
  correlation_id: string | null;
  severity: Severity;
  payload: P;
  canonical: boolean;
}

export type EventListener = (event: VxEvent) => void | Promise<void>;

/**
 * The in-process event bus every module publishes to. Listeners (ledger, live feeds) subscribe
 * once; a failing listener is logged and never breaks the publisher.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger('EventBus');
  /** Each listener, wrapped so that its throw or rejection is logged and goes no further. */
  private readonly listeners = new Map<EventListener, (event: VxEvent) => void>();

  subscribe(listener: EventListener): () => void {
    if (!this.listeners.has(listener)) {
      const deliver = guarded(
        (event: VxEvent) => `listener on ${event.type}`,
        (event: VxEvent) => listener(event),
        { logger: this.logger },
      );
      this.listeners.set(listener, deliver);
    }
    return () => this.listeners.delete(listener);
  }

  /** Builds the envelope for an event VX11 emits itself and hands it to every listener. */
  emit(...emission: Emission): VxEvent {
    const event = envelope(emission);
    this.publish(event);
    return event;
  }

  /**
   * As emit(), but the listeners (the ledger's checks and queue, the feeds) run at the next
   * turn of the event loop: for an event whose publisher is about to answer a request, so the
   * answer does not wait for them. The envelope (id, time, correlation id) is made now. The
   * ledger writes either one after the answer; nothing is durable sooner with emit().
   */
  emitAfterThisTurn(...emission: Emission): VxEvent {
    const event = envelope(emission);
    setImmediate(() => this.publish(event));
    return event;
  }

  publish(event: VxEvent): void {
    for (const deliver of [...this.listeners.values()]) deliver(event);
  }
}

/** What an emitter says: the event's type, the emitting module, the payload, the severity. */
type Emission = [
  type: string,
  source: string,
  payload: Record<string, unknown>,
  severity?: Severity,
];

function envelope([type, source, payload, severity = 'info']: Emission): VxEvent {
  return {
    event_id: timeOrderedId(),
    type,
    source,
    timestamp: isoNow(),
    correlation_id: currentCorrelationId() ?? null,
    severity,
    payload,
    canonical: false,
  };
}
