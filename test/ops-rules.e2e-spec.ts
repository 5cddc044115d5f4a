import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dashboardExpressions,
  metricNamesInExpr,
  missingMetrics,
  parseExposition,
  ruleExpressions,
} from './support/promql-metrics';
import { promtool } from './support/promtool';

const DIR = join(__dirname, '..', 'deploy', 'prometheus');
const RULES = join(DIR, 'vx11-rules.yml');
const RULE_TESTS = join(DIR, 'vx11-rules.test.yml');

describe('deploy/prometheus/vx11-rules.yml', () => {
  const rules = ruleExpressions(readFileSync(RULES, 'utf8'));

  it('passes `promtool check rules`, which counts every rule this test reads', () => {
    const run = promtool(['check', 'rules', RULES]);
    expect(run.status).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(rules.length).toBeGreaterThanOrEqual(10);
  });

  it('passes `promtool test rules` (each alert quiet on good input, firing on bad input)', () => {
    const run = promtool(['test', 'rules', RULE_TESTS]);
    expect(run.output).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  it('has a unit test that makes every alert fire', () => {
    const tests = readFileSync(RULE_TESTS, 'utf8');
    const untested = rules.filter(
      (r) => !new RegExp(`alertname: ${r.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`).test(tests),
    );
    expect(untested.map((r) => r.alert)).toEqual([]);
  });

  it('covers what the runbooks ask to be alerted on', () => {
    const used = new Set(rules.flatMap((r) => metricNamesInExpr(r.expr)));
    for (const name of [
      'vx11_module_health_ok', // module health failing
      'vx11_incident_oldest_unresolved_age_seconds', // incident open over N minutes
      'vx11_queue_jobs', // queue waiting > 100
      'vx11_provider_budget_remaining_ratio', // provider budget < 10 %
      'vx11_breaker_open', // breaker open
      'vx11_backup_last_good_age_seconds', // last good backup older than 26 h
      'vx11_ledger_verify_ok', // ledger verification failing
      'vx11_nodejs_eventloop_lag_p99_seconds', // event-loop lag
      'vx11_disk_free_bytes', // disk free low
    ]) {
      expect(used).toContain(name);
    }
  });
});

describe('metric names in PromQL (the helper the rules and dashboard tests share)', () => {
  it.each([
    ['up{job="vx11"} == 0', ['up']],
    ['vx11_queue_jobs{state="waiting"} > 100', ['vx11_queue_jobs']],
    [
      '26 * 3600 < vx11_backup_last_good_age_seconds offset 5m',
      ['vx11_backup_last_good_age_seconds'],
    ],
    [
      'sum by (route, le) (rate(vx11_http_request_duration_seconds_bucket{route=~"$route"}[$__rate_interval]))',
      ['vx11_http_request_duration_seconds_bucket'],
    ],
    [
      'vx11_module_health_ok * on(instance, module) group_left(category) max by (instance, module, category) (vx11_module_state{category="core"}) == 0',
      ['vx11_module_health_ok', 'vx11_module_state'],
    ],
    ['histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le)) and on() y', ['x_bucket', 'y']],
    ['{__name__="vx11_db_size_bytes", file="db"}', ['vx11_db_size_bytes']],
    ['absent(a{job="${job}"}) unless bool 1e3', ['a']],
  ])('%s', (expr, names) => {
    expect(metricNamesInExpr(expr)).toEqual(names);
  });

  it('finds a name missing from a scrape, and only sampled names count as present', () => {
    const scrape = parseExposition(
      [
        '# HELP a_total A',
        '# TYPE a_total counter',
        'a_total{x="1"} 3',
        '# HELP b B',
        '# TYPE b gauge',
        '',
      ].join('\n'),
    );
    expect(missingMetrics(['a_total', 'b', 'up', 'c'], scrape)).toEqual(['b', 'c']);
  });
});

describe('deploy/grafana/vx11-dashboard.json', () => {
  const file = join(__dirname, '..', 'deploy', 'grafana', 'vx11-dashboard.json');
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    __inputs: Array<{ name: string; type: string; pluginId: string }>;
    panels: Array<{
      type: string;
      title: string;
      datasource?: { uid: string };
      targets?: unknown[];
    }>;
    templating: { list: Array<{ name: string; type: string }> };
    uid: string;
    title: string;
  };

  it('is importable: a Prometheus datasource input used by every panel and target', () => {
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    ]);
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual(
      expect.arrayContaining([['instance', 'query']]),
    );
    expect(dashboard.uid).toBe('vx11-ops');
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(20);
    for (const panel of graphs) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: '${DS_PROMETHEUS}',
      });
      for (const target of panel.targets ?? []) {
        expect((target as { datasource: { uid: string } }).datasource.uid).toBe('${DS_PROMETHEUS}');
      }
    }
    // no datasource of the machine it was drawn on leaks into the file
    expect(readFileSync(file, 'utf8')).not.toMatch(
      /"uid": "(?!\$\{DS_PROMETHEUS\}|vx11-ops|-- Grafana --)/,
    );
  });

  it('covers what the runbooks ask to be graphed', () => {
    const used = new Set(dashboardExpressions(dashboard).flatMap((e) => metricNamesInExpr(e.expr)));
    for (const name of [
      'vx11_http_request_duration_seconds_bucket', // requests and latency by route
      'vx11_chat_total', // chat by fallback source
      'vx11_provider_failures_total', // provider errors
      'vx11_provider_budget_remaining_ratio', // provider budget
      'vx11_module_state', // module states
      'vx11_module_health_ok', // module health
      'vx11_events_ingested_total', // events ingested (and windows opened/closed)
      'vx11_events_feed_subscribers', // feed subscribers
      'vx11_incidents_unresolved', // incidents
      'vx11_backup_last_good_age_seconds', // backups age
      'vx11_db_size_bytes', // DB size
      'vx11_process_resident_memory_bytes', // process memory
      'vx11_nodejs_eventloop_lag_p99_seconds', // event-loop lag
      'vx11_queue_jobs', // queues
    ]) {
      expect(used).toContain(name);
    }
  });

  it('has only expressions Prometheus can parse (checked by promtool as recording rules)', () => {
    const exprs = dashboardExpressions(dashboard);
    const dir = mkdtempSync(join(tmpdir(), 'vx11-dash-'));
    try {
      const rules = exprs.map(({ expr }, i) => {
        const concrete = expr
          .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
          .replace(/\$\{?instance\}?/g, '.*');
        return `      - record: vx11:dashboard_expr_${i}\n        expr: ${JSON.stringify(concrete)}`;
      });
      const file = join(dir, 'dashboard-exprs.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const run = promtool(['check', 'rules', file]);
      expect(run.output).toContain(`SUCCESS: ${exprs.length} rules found`);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
