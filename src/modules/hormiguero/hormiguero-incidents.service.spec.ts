import type { AppConfig } from '../../core/config/app-config';
import { incidentId } from '../madre/health/incident-id';
import type { IncidentEntity } from '../madre/health/incident.entity';
import type { IncidentReport, IncidentService } from '../madre/health/incident.service';
import type { Finding } from './finding';
import { HormigueroIncidents } from './hormiguero-incidents.service';
import type { HormigueroMetrics } from './hormiguero-metrics';

/** An in-memory incident service with the real dedup id and reopen rules. */
class FakeIncidents {
  rows = new Map<string, IncidentEntity>();
  async raise(r: IncidentReport) {
    const id = incidentId(r.kind, r.title, r.source);
    const existing = this.rows.get(id);
    const opened = !existing || existing.status === 'resolved';
    this.rows.set(id, {
      ...(existing ?? {}),
      id,
      kind: r.kind,
      title: r.title,
      status: existing && !opened ? existing.status : 'open',
    } as IncidentEntity);
    return { incident: this.rows.get(id)!, opened };
  }
  async list(status: string | undefined) {
    return [...this.rows.values()].filter((i) => !status || i.status === status);
  }
  async resolveIfOpen(id: string) {
    const i = this.rows.get(id);
    if (!i || i.status === 'resolved') return null;
    i.status = 'resolved';
    return i;
  }
}

const finding = (title: string, severity: Finding['severity'] = 'medium'): Finding => ({
  ant: 'pressure',
  kind: 'pressure.rss',
  title,
  severity,
  detail: title,
  evidence: {},
});

describe('HormigueroIncidents', () => {
  const config = { hormiguero: { cleanScansToResolve: 2 } } as AppConfig;
  const metrics = { incident: () => undefined } as unknown as HormigueroMetrics;
  let fake: FakeIncidents;
  let bridge: HormigueroIncidents;

  beforeEach(() => {
    fake = new FakeIncidents();
    bridge = new HormigueroIncidents(config, fake as unknown as IncidentService, metrics);
  });

  it('opens one incident per finding title, deduplicated, and ignores info findings', async () => {
    const first = await bridge.reconcile('pressure', [
      finding('rss high'),
      finding('note', 'info'),
    ]);
    expect(first.opened).toHaveLength(1);
    const again = await bridge.reconcile('pressure', [finding('rss high')]);
    expect(again.opened).toEqual([]);
    expect(again.raised).toEqual(first.raised);
    expect(fake.rows.get(first.raised[0])!.kind).toBe('hormiguero.pressure');
  });

  it('resolves only after the configured consecutive clean scans; a relapse restarts the count', async () => {
    const { raised } = await bridge.reconcile('pressure', [finding('rss high')]);
    const id = raised[0];
    expect((await bridge.reconcile('pressure', [])).resolved).toEqual([]);
    await bridge.reconcile('pressure', [finding('rss high')]); // back: count starts over
    expect((await bridge.reconcile('pressure', [])).resolved).toEqual([]);
    expect((await bridge.reconcile('pressure', [])).resolved).toEqual([id]);
    expect(fake.rows.get(id)!.status).toBe('resolved');
  });

  it('only counts scans of the same ant', async () => {
    const { raised } = await bridge.reconcile('pressure', [finding('rss high')]);
    await bridge.reconcile('db', []);
    await bridge.reconcile('db', []);
    expect(fake.rows.get(raised[0])!.status).toBe('open');
  });

  it('marks high findings that opened an incident for escalation, once', async () => {
    const first = await bridge.reconcile('pressure', [finding('rss very high', 'high')]);
    expect(first.escalate.map((f) => f.title)).toEqual(['rss very high']);
    const again = await bridge.reconcile('pressure', [finding('rss very high', 'high')]);
    expect(again.escalate).toEqual([]);
  });
});
