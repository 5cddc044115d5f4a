import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Finding {
  ant: string;
  kind: string;
  severity: string;
  evidence: Record<string, number>;
}

describe('hormiguero pressure ant (thresholds from config)', () => {
  let t: TestApp;
  let cleanup: () => void;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'vx11-pressure-'));
  const wake = () =>
    t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'hormiguero', mode: 'hold', reason: 'pressure e2e' })
      .expect(200);

  beforeAll(async () => {
    // 1 MiB of RSS: below what any running VX11 uses
    const cfg = configFileEnv({
      hormiguero: {
        scanIntervalSec: 3600,
        pressure: { rssMb: 1, heapUsedMb: 100000, loadPerCore: 64 },
      },
    });
    cleanup = cfg.cleanup;
    env = cfg.env;
    t = await bootApp(env, dir);
    await wake();
  });

  afterAll(async () => {
    await t?.close();
    cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an RSS threshold below the current RSS gives a finding and an incident', async () => {
    const res = await t
      .http()
      .post('/hormiguero/scan/once')
      .set(t.auth)
      .send({ ants: ['pressure'] })
      .expect(200);
    const findings = res.body.findings as Finding[];
    const rss = findings.find((f) => f.kind === 'pressure.rss');
    expect(rss).toBeDefined();
    expect(rss!.evidence.threshold).toBe(1);
    expect(rss!.evidence.rss_mb).toBeGreaterThan(1);
    expect(rss!.severity).toBe('high'); // twice the threshold or more
    // heap and load are set out of reach; lag and disk stay under their defaults
    expect(findings.map((f) => f.kind)).toEqual(['pressure.rss']);
    const incidents = await t
      .http()
      .get('/hormiguero/incidents?status=open')
      .set(t.auth)
      .expect(200);
    expect(incidents.body.incidents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'hormiguero.pressure', title: 'resident memory high' }),
      ]),
    );
    const opened = res.body.ants[0].incidents.opened as string[];
    expect(opened).toHaveLength(1);
    // a high finding that opened an incident is escalated to madre as an intent (a plan)
    expect(res.body.ants[0].incidents.escalated).toBe(1);
    const plans = await t.http().get('/madre/plans').set(t.auth).expect(200);
    const items = plans.body.plans as Array<Record<string, unknown>>;
    const escalated = items.filter((p) => p.source === 'hormiguero');
    expect(escalated).toHaveLength(1);
    expect(String(escalated[0].text)).toContain('resident memory high');
    expect(escalated[0].risk).toBe('LOW'); // a healthcheck: madre runs it at once
    // the same finding again refreshes the incident: no second escalation
    const again = await t
      .http()
      .post('/hormiguero/scan/once')
      .set(t.auth)
      .send({ ants: ['pressure'] })
      .expect(200);
    expect(again.body.ants[0].incidents.escalated).toBe(0);
  });

  it('shows each ant’s last run after a restart (runs are kept in the database)', async () => {
    type AntStatus = { ant: string; last_run: { trigger: string; findings: Finding[] } | null };
    const pressureOf = async () =>
      (
        (await t.http().get('/hormiguero/status').set(t.auth).expect(200)).body.ants as AntStatus[]
      ).find((a) => a.ant === 'pressure')!;
    await t.close();
    t = await bootApp(env, dir);
    // the hold window outlives the restart: hormiguero comes back active by itself
    await waitFor(
      async () => (await t.http().get('/hormiguero/status').set(t.auth)).status === 200,
    );
    // the queen may scan once as it wakes; either way the last run is there, with its findings,
    // and the manual runs from before the restart are still in the database
    const pressure = await pressureOf();
    expect(pressure.last_run?.findings.map((f: Finding) => f.kind)).toContain('pressure.rss');
    const kept = await t
      .get(DataSource)
      .query(
        "SELECT COUNT(*) AS n FROM hormiguero_ant_runs WHERE ant = 'pressure' AND trigger = 'manual'",
      );
    expect(Number(kept[0].n)).toBeGreaterThanOrEqual(2);
  });
});
