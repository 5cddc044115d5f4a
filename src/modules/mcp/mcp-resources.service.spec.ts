import { EventBus } from '../../core/events/event-bus.service';
import type { ModuleRegistry } from '../../core/registry/module-registry.service';
import type { EventsService } from '../events/events.service';
import type { IncidentService } from '../madre/health/incident.service';
import type { SystemStatusService } from '../tentaculo-link/system-status.service';
import type { McpMetrics } from './mcp-metrics';
import { McpResourcesService, RESOURCE_URIS } from './mcp-resources.service';

function rig() {
  const bus = new EventBus();
  let head = 1;
  const events = {
    list: (_f: unknown, _b: unknown, limit: number) => ({
      events: limit === 1 ? [{ id: head }] : [{ id: head, type: 'window.opened' }],
      next_before: null,
    }),
  } as unknown as EventsService;
  const status = { status: async () => ({ status: 'ok' }) } as unknown as SystemStatusService;
  const incidents = {
    list: async (s: string) => [
      { id: `i-${s}`, status: s, last_seen_at: s === 'open' ? '2' : '1' },
    ],
  } as unknown as IncidentService;
  const registry = { list: () => [] } as unknown as ModuleRegistry;
  const metrics = { notified: () => undefined } as unknown as McpMetrics;
  const resources = new McpResourcesService(bus, registry, status, events, incidents, metrics);
  resources.onModuleInit();
  return { bus, resources, setHead: (n: number) => (head = n) };
}

const settle = () => new Promise((r) => setTimeout(r, 250));

describe('McpResourcesService', () => {
  it('reads each resource as JSON and answers -32002 for an unknown one', async () => {
    const { resources } = rig();
    expect(resources.list().map((r) => r.uri)).toEqual(Object.values(RESOURCE_URIS));
    const read = await resources.read(RESOURCE_URIS.incidents);
    expect(JSON.parse(String((read.contents[0] as { text: string }).text))).toEqual({
      incidents: [
        { id: 'i-open', status: 'open', last_seen_at: '2' },
        { id: 'i-acknowledged', status: 'acknowledged', last_seen_at: '1' },
      ],
    });
    await expect(resources.read('vx11://nope')).rejects.toMatchObject({ code: -32002 });
    expect(() => resources.subscribe('s1', 'vx11://nope', async () => undefined)).toThrow(
      /Resource not found/,
    );
  });

  it('notifies each subscribed session once per burst, only of what it subscribed to', async () => {
    const { bus, resources } = rig();
    const a: string[] = [];
    const b: string[] = [];
    resources.subscribe('a', RESOURCE_URIS.status, async (uri) => void a.push(uri));
    resources.subscribe('a', RESOURCE_URIS.events, async (uri) => void a.push(uri));
    resources.subscribe('b', RESOURCE_URIS.incidents, async (uri) => void b.push(uri));
    bus.emit('module.state.changed', 'madre', { module: 'switch' });
    bus.emit('window.opened', 'madre', {});
    await settle();
    expect(a.sort()).toEqual([RESOURCE_URIS.events, RESOURCE_URIS.status].sort());
    expect(b).toEqual([]);
    bus.emit('incident.opened', 'madre', {});
    await settle();
    expect(b).toEqual([RESOURCE_URIS.incidents]);
    expect(a.at(-1)).toBe(RESOURCE_URIS.events); // every event changes the recent events
    const before = a.length;
    resources.forget('a');
    bus.emit('window.closed', 'madre', {});
    await settle();
    expect(a).toHaveLength(before);
    resources.stop();
  });
});
