/**
 * Metric names in PromQL expressions and in a /metrics scrape: what the alert-rules test and the
 * Grafana dashboard test check against a live VX11.
 */

/** PromQL words that look like identifiers but are not metric names. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
  'start',
  'end',
]);

/**
 * The metric names an expression selects. Strings, label matchers `{…}`, range and subquery
 * brackets `[…]`, label lists of `by/without/on/ignoring/group_left/group_right (…)`, Grafana
 * variables (`$x`, `${x}`, `[[x]]`) and function or aggregation names (followed by `(`) are not
 * names; numbers and durations (`26 * 3600`, `offset 5m`, `1e3`) are skipped too.
 */
export function metricNamesInExpr(expr: string): string[] {
  let rest = expr
    .replace(/\$\{[^}]*\}|\[\[[^\]]*\]\]|\$[A-Za-z_]\w*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  // a selector written as {__name__="x"} names x
  const byNameLabel = [...expr.matchAll(/__name__\s*=\s*"([A-Za-z_:][\w:]*)"/g)].map((m) => m[1]);
  rest = rest
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set(byNameLabel);
  for (const m of rest.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

export interface Exposition {
  /** Sample names with at least one sample (`x_bucket`, `x_sum`, `x_count` for a histogram). */
  samples: Set<string>;
  /** Families declared by `# TYPE`, with their type. */
  families: Map<string, string>;
}

/** Parses a Prometheus text exposition (what GET /metrics returns). */
export function parseExposition(text: string): Exposition {
  const samples = new Set<string>();
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) families.set(type[1], type[2]);
    else if (line && !line.startsWith('#')) samples.add(/^[^\s{]+/.exec(line)![0]);
  }
  return { samples, families };
}

/** Names that exist only in Prometheus, never in a target's /metrics (per-target scrape series). */
export const PROMETHEUS_SYNTHETIC = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
]);

/** Of `names`, those without a sample in the scrape (Prometheus' own series are never missing). */
export function missingMetrics(names: Iterable<string>, scrape: Exposition): string[] {
  return [...new Set(names)]
    .filter((name) => !PROMETHEUS_SYNTHETIC.has(name) && !scrape.samples.has(name))
    .sort();
}

/** Every `expr:` of a Prometheus rules file (one-line expressions, as vx11-rules.yml keeps them). */
export function ruleExpressions(rulesYaml: string): Array<{ alert: string; expr: string }> {
  const rules: Array<{ alert: string; expr: string }> = [];
  let alert = '';
  for (const line of rulesYaml.split('\n')) {
    const name = /^\s*- (?:alert|record): (\S+)/.exec(line);
    if (name) alert = name[1];
    const expr = /^\s*expr: (.+)$/.exec(line);
    if (expr) rules.push({ alert, expr: expr[1].trim() });
  }
  return rules;
}

/** Every PromQL expression in a Grafana dashboard JSON: panel targets (also in rows) and templating. */
export function dashboardExpressions(dashboard: unknown): Array<{ panel: string; expr: string }> {
  const found: Array<{ panel: string; expr: string }> = [];
  const visitPanels = (panels: unknown) => {
    for (const panel of (panels as Array<Record<string, unknown>>) ?? []) {
      for (const target of (panel.targets as Array<Record<string, unknown>>) ?? []) {
        if (typeof target.expr === 'string') {
          found.push({ panel: String(panel.title ?? panel.id), expr: target.expr });
        }
      }
      visitPanels(panel.panels);
    }
  };
  const d = dashboard as {
    panels?: unknown;
    templating?: { list?: Array<Record<string, unknown>> };
  };
  visitPanels(d.panels);
  for (const variable of d.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const q = variable.query;
    const text = typeof q === 'string' ? q : (q as { query?: string } | undefined)?.query;
    if (!text) continue;
    // label_values(metric, label) / metrics(...) / query_result(expr)
    const inner = /^\s*(?:label_values|query_result)\((.*)\)\s*$/.exec(text)?.[1] ?? text;
    const selector = inner.replace(/,\s*[A-Za-z_]\w*\s*$/, '');
    found.push({ panel: `variable ${String(variable.name)}`, expr: selector });
  }
  return found;
}
