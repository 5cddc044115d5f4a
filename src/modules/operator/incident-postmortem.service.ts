import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, In, Like } from 'typeorm';
import { EventEntity } from '../events/ledger/event.entity';
import { HealthHistoryEntity } from '../madre/health/health-history.entity';
import { SEVERITY_LEVEL_TITLES } from '../madre/health/incident-severity';
import { IncidentEntity } from '../madre/health/incident.entity';
import { IncidentService } from '../madre/health/incident.service';
import { RESTART_REASON } from '../madre/health/module-restarter.service';
import { PowerEventEntity } from '../madre/power/power-event.entity';
import { PowerWindowEntity } from '../madre/power/window.entity';

/** How far before the first occurrence the post-mortem looks (what led up to it). */
export const LEAD_IN_MS = 10 * 60_000;
/** How far after the resolution (or now) it looks (the recovery). */
export const TAIL_MS = 2 * 60_000;
/** At most this many rows of each kind are read; the report says when it cut. */
export const MAX_ROWS = 500;
/** Longest text kept from one detail or payload. */
const MAX_TEXT = 300;

interface TimelineEntry {
  at: string;
  what: string;
}

/** One stretch of health checks with the same outcome (and, when failing, the same detail). */
interface HealthRun {
  from: string;
  to: string;
  ok: boolean;
  checks: number;
  detail: string;
}

export interface PostmortemFacts {
  incident: IncidentEntity;
  window: { from: string; to: string };
  health: HealthRun[];
  healthChecks: number;
  healthFailures: number;
  powerEvents: PowerEventEntity[];
  windows: PowerWindowEntity[];
  ledger: EventEntity[];
  truncated: string[];
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
/** Markdown-safe inline text: one line, no table pipes, no stray emphasis. */
const md = (text: string) =>
  clip(text.replace(/\s+/g, ' ').trim()).replace(/([|*`[\]<>\\])/g, '\\$1');

function duration(fromIso: string, toIso: string): string {
  const sec = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', `${s} s`].filter(Boolean).slice(0, 2).join(' ');
}

/**
 * The post-mortem of an incident, as the seeds' template ("Informe Post-Mortem", runbook §2.2)
 * in Markdown, filled from what VX11 recorded: the incident, the source module's health history
 * around it, its state transitions (health restarts among them) and the power windows in that
 * time, and the ledger events that name the incident or the module or share a correlation id
 * with those. Fields only a person can know (root cause, prevention, owner) say so.
 */
@Injectable()
export class IncidentPostmortemService {
  constructor(
    private readonly incidents: IncidentService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async render(id: string, now = new Date()): Promise<string> {
    return renderPostmortem(await this.facts(id, now), now);
  }

  async facts(id: string, now = new Date()): Promise<PostmortemFacts> {
    const incident = await this.incidents.get(id);
    const end = incident.resolved_at ? Date.parse(incident.resolved_at) : now.getTime();
    const window = {
      from: new Date(Date.parse(incident.first_seen_at) - LEAD_IN_MS).toISOString(),
      to: new Date(Math.min(end + TAIL_MS, now.getTime())).toISOString(),
    };
    const truncated: string[] = [];
    const capped = <T>(rows: T[], what: string): T[] => {
      if (rows.length > MAX_ROWS) truncated.push(what);
      return rows.slice(0, MAX_ROWS);
    };
    const module = incident.source;

    const history = this.db.getRepository(HealthHistoryEntity);
    const inWindow = { module, checked_at: Between(window.from, window.to) };
    const healthChecks = await history.count({ where: inWindow });
    const healthFailures = await history.count({ where: { ...inWindow, ok: false } });
    let health: HealthRun[];
    if (healthChecks <= MAX_ROWS) {
      health = healthRuns(
        await history.find({ where: inWindow, order: { checked_at: 'ASC', id: 'ASC' } }),
      );
    } else {
      // a long incident: how it began and how it ended
      const half = MAX_ROWS / 2;
      const head = await history.find({
        where: inWindow,
        order: { checked_at: 'ASC', id: 'ASC' },
        take: half,
      });
      const tail = await history.find({
        where: inWindow,
        order: { checked_at: 'DESC', id: 'DESC' },
        take: half,
      });
      health = [...healthRuns(head), ...healthRuns(tail.reverse())];
      truncated.push(`health checks (the first and last ${half} of ${healthChecks})`);
    }
    const powerEvents = capped(
      await this.db.getRepository(PowerEventEntity).find({
        where: { module, at: Between(window.from, window.to) },
        order: { at: 'ASC', id: 'ASC' },
        take: MAX_ROWS + 1,
      }),
      'module state changes',
    );
    const windows = capped(
      (
        await this.db.getRepository(PowerWindowEntity).find({
          where: { created_at: Between('', window.to) },
          order: { created_at: 'DESC' },
          take: MAX_ROWS + 1,
        })
      )
        .filter((w) => !w.closed_at || w.closed_at >= window.from)
        .reverse(),
      'power windows',
    );
    const ledger = capped(await this.relatedEvents(incident, window), 'ledger events');

    return {
      incident,
      window,
      health,
      healthChecks,
      healthFailures,
      powerEvents,
      windows,
      ledger,
      truncated,
    };
  }

  /**
   * Ledger events in the time window that name the incident or its module (canonical JSON
   * payloads: `"module":"x"`), then every event in the window sharing a correlation id with
   * those (what the same request or cycle did).
   */
  private async relatedEvents(
    incident: IncidentEntity,
    window: { from: string; to: string },
  ): Promise<EventEntity[]> {
    const events = this.db.getRepository(EventEntity);
    const inWindow = Between(window.from, window.to);
    const direct = await events.find({
      where: [
        { timestamp: inWindow, payload: Like(`%${incident.id}%`) },
        { timestamp: inWindow, payload: Like(`%"module":${JSON.stringify(incident.source)}%`) },
      ],
      order: { id: 'ASC' },
      take: MAX_ROWS + 1,
    });
    const correlations = [
      ...new Set(direct.map((e) => e.correlation_id).filter((c): c is string => !!c)),
    ].slice(0, 200);
    const linked = correlations.length
      ? await events.find({
          where: { timestamp: inWindow, correlation_id: In(correlations) },
          order: { id: 'ASC' },
          take: MAX_ROWS + 1,
        })
      : [];
    const byId = new Map([...direct, ...linked].map((e) => [e.id, e]));
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }
}

/** Consecutive checks with the same outcome and detail, as one line each. */
export function healthRuns(checks: HealthHistoryEntity[]): HealthRun[] {
  const runs: HealthRun[] = [];
  for (const c of checks) {
    const ok = Boolean(c.ok);
    const last = runs[runs.length - 1];
    if (last && last.ok === ok && (ok || last.detail === c.detail)) {
      last.to = c.checked_at;
      last.checks += 1;
    } else {
      runs.push({ from: c.checked_at, to: c.checked_at, ok, checks: 1, detail: c.detail });
    }
  }
  return runs;
}

const isRestart = (e: PowerEventEntity) => e.reason === RESTART_REASON && e.to_state === 'starting';

/** The Markdown document (pure: the facts and the time it is written). */
export function renderPostmortem(f: PostmortemFacts, now: Date): string {
  const i = f.incident;
  const restarts = f.powerEvents.filter(isRestart);
  const restartOutcomes = f.powerEvents.filter(
    (e) => e.reason === RESTART_REASON && (e.to_state === 'active' || e.to_state === 'failed'),
  );
  const failedChecks = f.health.filter((r) => !r.ok);
  const lastFailure = failedChecks[failedChecks.length - 1];
  const affected = [
    ...new Set([i.source, ...f.ledger.map((e) => moduleOf(e)).filter((m): m is string => !!m)]),
  ];
  const resolvedNote = f.ledger
    .filter((e) => e.type === 'incident.resolved' && e.payload.includes(i.id))
    .map((e) => (JSON.parse(e.payload) as { note?: string }).note)
    .filter(Boolean)
    .pop();

  const timeline: TimelineEntry[] = [
    { at: i.first_seen_at, what: `Incident opened: ${md(i.title)} (${i.kind}, ${i.severity})` },
    ...f.health.map((r) => ({
      at: r.from,
      what: r.ok
        ? `${r.checks} health check(s) of ${md(i.source)} passed${r.checks > 1 ? ` until ${r.to}` : ''}`
        : `${r.checks} health check(s) of ${md(i.source)} failed${r.checks > 1 ? ` until ${r.to}` : ''}: ${md(r.detail)}`,
    })),
    ...f.powerEvents.map((e) => ({
      at: e.at,
      what: `${isRestart(e) ? '**Restart** — ' : ''}${md(e.module)} ${e.from_state} → ${e.to_state} (${md(e.reason)})${e.error ? `: ${md(e.error)}` : ''}`,
    })),
    ...f.windows.flatMap((w) => [
      ...(w.created_at >= f.window.from
        ? [
            {
              at: w.created_at,
              what: `Power window ${w.id} opened for ${md(w.services.join(', '))} (${w.mode}, ${md(w.reason)})`,
            },
          ]
        : []),
      ...(w.closed_at && w.closed_at <= f.window.to
        ? [{ at: w.closed_at, what: `Power window ${w.id} closed (${w.close_reason ?? 'closed'})` }]
        : []),
    ]),
    ...(i.acknowledged_at
      ? [{ at: i.acknowledged_at, what: 'Incident acknowledged by the operator' }]
      : []),
    ...(i.resolved_at
      ? [
          {
            at: i.resolved_at,
            what: `Incident resolved by ${i.resolved_by ?? 'unknown'}${resolvedNote ? `: ${md(resolvedNote)}` : ''}`,
          },
        ]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const status = i.resolved_at
    ? `resolved after ${duration(i.first_seen_at, i.resolved_at)}`
    : `${i.status}, unresolved for ${duration(i.first_seen_at, now.toISOString())}`;
  const impact = [
    `${i.severity_level} — ${SEVERITY_LEVEL_TITLES[i.severity_level]}.`,
    `${md(i.title)}: seen ${i.count} time(s) from ${i.first_seen_at} to ${i.last_seen_at}; ${status}.`,
    f.healthChecks
      ? `${f.healthFailures} of ${f.healthChecks} health checks of ${md(i.source)} failed in the window.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  const solution = [
    restarts.length
      ? `${restarts.length} controlled restart(s) of ${md(i.source)} by the health monitor` +
        (restartOutcomes.length
          ? ` (outcomes: ${restartOutcomes.map((e) => `${e.at} ${e.to_state}`).join(', ')})`
          : '') +
        '.'
      : 'No restart was performed.',
    i.resolved_at
      ? `Resolved by ${i.resolved_by ?? 'unknown'}${resolvedNote ? ` (“${md(resolvedNote)}”)` : ''}.`
      : 'Not resolved yet.',
  ].join(' ');

  const lines = [
    `# Informe Post-Mortem – Incidente ${i.severity_level}`,
    '',
    `**Fecha:** ${i.first_seen_at.slice(0, 16).replace('T', ' ')} UTC  `,
    `**Impacto:** ${impact}  `,
    `**Servicios afectados:** ${affected.map(md).join(', ')}  `,
    `**Causa raíz:** ${lastFailure ? `last failing check: ${md(lastFailure.detail)}` : md(i.detail ?? 'not recorded')} — _to be confirmed by the operator_  `,
    `**Solución aplicada:** ${solution}  `,
    '**Prevención futura:** _to be completed by the operator_  ',
    `**Responsable:** ${i.resolved_by === 'operator' ? 'the operator who resolved it' : '_to be completed by the operator_'}  `,
    `**Evidencias:** timeline, health history, actions and ledger events below; incident \`${i.id}\` in the console (Incidents), \`GET /operator/api/events\` and \`GET /events/ledger/verify\` for the ledger, \`health_monitor.log\`, \`architect.log\`, \`alerts.log\``,
    '',
    '## Incident',
    '',
    '| field | value |',
    '|---|---|',
    `| id | ${i.id} |`,
    `| level | ${i.severity_level} (${SEVERITY_LEVEL_TITLES[i.severity_level]}) |`,
    `| event severity | ${i.severity} |`,
    `| kind | ${md(i.kind)} |`,
    `| source | ${md(i.source)} |`,
    `| status | ${i.status} |`,
    `| count | ${i.count} |`,
    `| first seen | ${i.first_seen_at} |`,
    `| last seen | ${i.last_seen_at} |`,
    `| acknowledged | ${i.acknowledged_at ?? '—'} |`,
    `| resolved | ${i.resolved_at ? `${i.resolved_at} by ${i.resolved_by}` : '—'} |`,
    `| last detail | ${md(i.detail ?? '—')} |`,
    '',
    `## Timeline (${f.window.from} → ${f.window.to})`,
    '',
    ...(timeline.length
      ? timeline.map((e) => `- \`${e.at}\` ${e.what}`)
      : ['- (nothing recorded)']),
    '',
    '## Actions taken',
    '',
    `- Restarts: ${restarts.length}${restarts.length ? ` (${restarts.map((e) => e.at).join(', ')})` : ''}`,
    `- Module state changes of ${md(i.source)}: ${f.powerEvents.length}`,
    `- Power windows open in the window: ${
      f.windows.length
        ? f.windows
            .map(
              (w) =>
                `${w.id} (${md(w.services.join(', '))}, ${w.state}${w.close_reason ? `, ${w.close_reason}` : ''})`,
            )
            .join('; ')
        : 'none'
    }`,
    '',
    `## Health history of ${md(i.source)}`,
    '',
    ...(f.health.length
      ? [
          '| from | to | result | checks | detail |',
          '|---|---|---|---|---|',
          ...f.health.map(
            (r) =>
              `| ${r.from} | ${r.to} | ${r.ok ? 'ok' : 'FAILED'} | ${r.checks} | ${r.ok ? '' : md(r.detail)} |`,
          ),
        ]
      : [`No health checks of ${md(i.source)} were recorded in the window.`]),
    '',
    '## Ledger events',
    '',
    ...(f.ledger.length
      ? [
          '| id | time | type | source | severity | correlation id | payload |',
          '|---|---|---|---|---|---|---|',
          ...f.ledger.map(
            (e) =>
              `| ${e.id} | ${e.timestamp} | ${md(e.type)} | ${md(e.source)} | ${e.severity} | ${md(e.correlation_id ?? '')} | ${md(e.payload)} |`,
          ),
        ]
      : ['No related ledger events in the window.']),
    '',
    ...(f.truncated.length
      ? [`_Cut at ${MAX_ROWS} rows each: ${f.truncated.join('; ')}._`, '']
      : []),
    `_Generated by VX11 at ${now.toISOString()}._`,
    '',
  ];
  return lines.join('\n');
}

function moduleOf(e: EventEntity): string | undefined {
  try {
    const payload = JSON.parse(e.payload) as { module?: unknown };
    return typeof payload.module === 'string' ? payload.module : undefined;
  } catch {
    return undefined;
  }
}
