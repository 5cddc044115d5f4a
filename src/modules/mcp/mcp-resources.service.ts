import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { EventBus, VxEvent } from '../../core/events/event-bus.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { guarded } from '../../core/util/guarded';
import { EventFilter } from '../events/event-filter';
import { EventsService } from '../events/events.service';
import { IncidentService } from '../madre/health/incident.service';
import { SystemStatusService } from '../tentaculo-link/system-status.service';
import { topologyMap } from '../tentaculo-link/topology';
import { resourceNotFound } from './mcp-errors';
import { McpMetrics } from './mcp-metrics';

export const RESOURCE_URIS = {
  status: 'vx11://status',
  topology: 'vx11://topology',
  events: 'vx11://events/recent',
  incidents: 'vx11://incidents/open',
} as const;

/** Events vx11://events/recent shows. */
export const RECENT_EVENTS = 50;
const OPEN_INCIDENTS = 100;
/** Coalesces a burst of events into one notification per resource. */
const NOTIFY_DELAY_MS = 150;
/** How often the ledger head is checked for events that did not pass the bus (ingested ones). */
const LEDGER_POLL_MS = 2000;

const RESOURCES: Resource[] = [
  {
    uri: RESOURCE_URIS.status,
    name: 'status',
    title: 'VX11 status',
    description: 'Overall status, power mode and policy, module states, Redis and the database',
    mimeType: 'application/json',
  },
  {
    uri: RESOURCE_URIS.topology,
    name: 'topology',
    title: 'Module topology',
    description: 'The modules (nodes with state, role, legacy port) and how they talk (edges)',
    mimeType: 'application/json',
  },
  {
    uri: RESOURCE_URIS.events,
    name: 'recent-events',
    title: 'Recent events',
    description: `The ${RECENT_EVENTS} newest events of the ledger, newest first`,
    mimeType: 'application/json',
  },
  {
    uri: RESOURCE_URIS.incidents,
    name: 'open-incidents',
    title: 'Open incidents',
    description: 'Incidents not resolved yet (open or acknowledged), most recently seen first',
    mimeType: 'application/json',
  },
];

/** Which resources an event changes (vx11://events/recent: every event). */
function touchedBy(event: VxEvent): string[] {
  const uris: string[] = [RESOURCE_URIS.events];
  if (/^(module\.state\.|window\.)/.test(event.type)) {
    uris.push(RESOURCE_URIS.status, RESOURCE_URIS.topology);
  }
  if (event.type.startsWith('incident.')) uris.push(RESOURCE_URIS.incidents);
  return uris;
}

/** Sends notifications/resources/updated for one resource to one session. */
export type ResourceNotifier = (uri: string) => Promise<void>;

/**
 * The resources of VX11 over MCP (read-only JSON views of existing services) and who is
 * subscribed to which. Changes are learnt from the event bus (and, for events ingested over
 * HTTP, from the ledger head), coalesced, and sent to the subscribed sessions.
 */
@Injectable()
export class McpResourcesService implements OnModuleInit {
  private readonly logger = new Logger('McpResources');
  /** Session id → its notifier and the URIs it subscribed to. */
  private readonly subscribers = new Map<string, { notify: ResourceNotifier; uris: Set<string> }>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private ledgerHead: number | null | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly registry: ModuleRegistry,
    private readonly status: SystemStatusService,
    private readonly events: EventsService,
    private readonly incidents: IncidentService,
    private readonly metrics: McpMetrics,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      if (this.subscribers.size === 0) return;
      for (const uri of touchedBy(event)) this.pending.add(uri);
      this.scheduleFlush();
    });
  }

  list(): Resource[] {
    return RESOURCES;
  }

  async read(uri: string): Promise<ReadResourceResult> {
    const value = await this.value(uri);
    return {
      contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
    };
  }

  private async value(uri: string): Promise<unknown> {
    switch (uri) {
      case RESOURCE_URIS.status:
        return this.status.status();
      case RESOURCE_URIS.topology:
        return topologyMap(this.registry.list());
      case RESOURCE_URIS.events:
        return this.events.list(new EventFilter(), undefined, RECENT_EVENTS);
      case RESOURCE_URIS.incidents: {
        const [open, acknowledged] = await Promise.all([
          this.incidents.list('open', OPEN_INCIDENTS),
          this.incidents.list('acknowledged', OPEN_INCIDENTS),
        ]);
        const incidents = [...open, ...acknowledged]
          .sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at))
          .slice(0, OPEN_INCIDENTS);
        return { incidents };
      }
      default:
        throw resourceNotFound(uri, {
          uri: uri.slice(0, 200),
          resources: RESOURCES.map((r) => r.uri),
        });
    }
  }

  subscribe(sessionId: string, uri: string, notify: ResourceNotifier): void {
    if (!RESOURCES.some((r) => r.uri === uri)) {
      throw resourceNotFound(uri);
    }
    const entry = this.subscribers.get(sessionId) ?? { notify, uris: new Set<string>() };
    entry.uris.add(uri);
    this.subscribers.set(sessionId, entry);
    if (uri === RESOURCE_URIS.events && this.ledgerHead === undefined) {
      this.ledgerHead = this.head();
    }
  }

  unsubscribe(sessionId: string, uri: string): void {
    const entry = this.subscribers.get(sessionId);
    entry?.uris.delete(uri);
    if (entry && entry.uris.size === 0) this.subscribers.delete(sessionId);
  }

  /** The session ended: no more notifications for it. */
  forget(sessionId: string): void {
    this.subscribers.delete(sessionId);
  }

  /** Activation: watch the ledger head for events that did not come through the bus. */
  start(): void {
    if (this.poller) return;
    this.poller = setInterval(
      guarded('MCP ledger poll', () => this.pollLedger(), { logger: this.logger }),
      LEDGER_POLL_MS,
    );
    this.poller.unref();
  }

  stop(): void {
    clearInterval(this.poller);
    clearTimeout(this.flushTimer);
    this.poller = undefined;
    this.flushTimer = undefined;
    this.pending.clear();
    this.subscribers.clear();
    this.ledgerHead = undefined;
  }

  private head(): number | null {
    return this.events.list(new EventFilter(), undefined, 1).events[0]?.id ?? null;
  }

  private pollLedger(): void {
    if (![...this.subscribers.values()].some((s) => s.uris.has(RESOURCE_URIS.events))) return;
    const head = this.head();
    if (head === this.ledgerHead) return;
    this.ledgerHead = head;
    this.pending.add(RESOURCE_URIS.events);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, NOTIFY_DELAY_MS);
    this.flushTimer.unref();
  }

  private flush(): void {
    const uris = [...this.pending];
    this.pending.clear();
    if (uris.includes(RESOURCE_URIS.events)) {
      // What the bus announced is committed by now: the poll need not announce it again.
      try {
        this.ledgerHead = this.head();
      } catch {
        /* the next poll tries again */
      }
    }
    for (const [sessionId, entry] of this.subscribers) {
      for (const uri of uris) {
        if (!entry.uris.has(uri)) continue;
        this.metrics.notified(uri);
        entry.notify(uri).catch((err: unknown) => {
          this.logger.debug(`notify ${sessionId} of ${uri}: ${(err as Error).message}`);
        });
      }
    }
  }
}
