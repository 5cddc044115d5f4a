// Maintenance: run now (POST /madre/power/maintenance/post_task), follow the job until it
// ends, show the last report step by step, and list the backups.

import { describeError, get, post } from '../api.js';
import { humanizeText, kvList } from '../kv.js';
import {
  $,
  badge,
  busy,
  copyable,
  emptyRow,
  fmtAgo,
  fmtBytes,
  fmtDateTime,
  fmtMs,
  h,
  replace,
  toast,
  toastError,
} from '../ui.js';

export const MAINTENANCE_PATH = '/madre/power/maintenance';
const LAST_JOB_KEY = 'vx11.operator.last_maintenance_job';
const FOLLOW_INTERVAL_MS = 1500;
const FOLLOW_LIMIT_MS = 10 * 60 * 1000;

let visible = false;
let following = null;

function lastJobId() {
  try {
    return localStorage.getItem(LAST_JOB_KEY);
  } catch {
    return null;
  }
}

function keepJobId(id) {
  try {
    localStorage.setItem(LAST_JOB_KEY, id);
  } catch {
    // shown until the next reload only
  }
}

export function initMaintenance() {
  $('#maint-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void runNow(event.submitter ?? $('#maint-run'));
  });
}

export function setMaintenanceVisible(isVisible) {
  visible = isVisible;
  if (visible) void Promise.all([loadLastReport(), loadBackups(), loadRuns()]);
}

const listOf = (body, ...keys) => {
  if (Array.isArray(body)) return body;
  for (const key of keys) if (Array.isArray(body?.[key])) return body[key];
  return [];
};

/**
 * The newest run: the last `maintenance.completed` event names it (nightly runs included);
 * else the one this browser started.
 */
async function loadLastReport() {
  if (following) return;
  let id = null;
  try {
    const page = await get('/operator/api/events?type=maintenance.completed&limit=1');
    id = listOf(page, 'events')[0]?.payload?.job_id ?? null;
  } catch (err) {
    toastError('Could not look up the last maintenance run', err);
  }
  id ??= lastJobId();
  if (!id) {
    replace($('#maint-report'), h('p', { class: 'muted' }, 'No maintenance run yet. Run one now.'));
    return;
  }
  try {
    renderReport(await get(`${MAINTENANCE_PATH}/jobs/${encodeURIComponent(id)}`));
  } catch (err) {
    replace(
      $('#maint-report'),
      h('p', { class: 'inline-error' }, `Last run ${id}: ${describeError(err)}`),
    );
  }
}

async function runNow(button) {
  const applyRetention = $('#maint-retention').checked;
  await busy(button, async () => {
    replace($('#maint-report'), h('p', { class: 'muted' }, 'Running maintenance…'));
    try {
      const result = await post(
        `${MAINTENANCE_PATH}/post_task`,
        { apply_retention: applyRetention, reason: 'operator console' },
        { timeoutMs: 120000 },
      );
      keepJobId(result.job_id);
      renderReport(result);
      if (!['ok', 'failed'].includes(result.status)) {
        // 202 {status:"accepted", job_id}: it takes longer than the server waits
        await follow(result.job_id);
      } else {
        announce(result);
      }
    } catch (err) {
      const body = err.body && typeof err.body === 'object' ? err.body : null;
      if (body?.job_id) {
        keepJobId(body.job_id);
        renderReport(body);
      } else {
        replace($('#maint-report'), h('p', { class: 'inline-error' }, err.message));
      }
      toastError('Maintenance run failed', err);
    }
  });
  if (visible) await Promise.all([loadBackups(), loadRuns()]);
}

/** The latest runs (nightly and on demand), from their maintenance.completed events. */
async function loadRuns() {
  const body = $('#maint-runs-body');
  try {
    const page = await get('/operator/api/events?type=maintenance.completed&limit=8');
    const runs = listOf(page, 'events');
    if (runs.length === 0) {
      replace(body, emptyRow(4, 'No run yet'));
      return;
    }
    replace(
      body,
      runs.map((e) => {
        const p = e.payload ?? {};
        const failed = p.failed_steps?.length ? `failed: ${p.failed_steps.join(', ')}` : '';
        return h(
          'tr',
          { dataset: { testid: 'maint-run-row', jobId: p.job_id ?? '' } },
          h('td', { class: 'muted nowrap', title: fmtDateTime(e.timestamp) }, fmtAgo(e.timestamp)),
          h(
            'td',
            { title: failed },
            badge(p.status ?? '?', p.status === 'ok' ? 'ok' : 'bad'),
            failed ? h('div', { class: 'small inline-error' }, failed) : null,
          ),
          h('td', { class: 'muted nowrap num' }, fmtMs(p.duration_ms)),
          h('td', { class: 'mono small backup-name' }, p.backup ?? '—'),
        );
      }),
    );
  } catch (err) {
    replace(body, emptyRow(4, `Could not list the runs — ${err.message}`, true));
  }
}

/** Polls the job until it has finished (bounded), re-rendering as it goes. */
async function follow(jobId) {
  following = jobId;
  const until = Date.now() + FOLLOW_LIMIT_MS;
  try {
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
      const job = await get(`${MAINTENANCE_PATH}/jobs/${encodeURIComponent(jobId)}`);
      renderReport(job);
      if (job.status === 'ok' || job.status === 'failed') {
        announce(job);
        return;
      }
    }
    toast(`Maintenance ${jobId} is still running; check again later`, 'warn');
  } catch (err) {
    toastError('Lost track of the maintenance run', err);
  } finally {
    following = null;
  }
}

function announce(job) {
  if (job.status === 'ok') toast(`Maintenance ok in ${fmtMs(job.duration_ms)}`, 'ok', job.job_id);
  else toast(`Maintenance ${job.status}`, 'error', job.error ?? job.job_id);
}

/** What a step reported, as key/value lines (sizes in KiB/MiB, paths shortened). */
function stepDetail(step) {
  const { ok: _ok, duration_ms: _duration, ...rest } = step ?? {};
  if (rest.error) return h('span', { class: 'inline-error' }, humanizeText(String(rest.error)));
  return Object.keys(rest).length ? kvList(rest) : '';
}

function renderReport(job) {
  const report = job.report ?? {};
  const steps = report.steps && typeof report.steps === 'object' ? report.steps : report;
  const status = job.status ?? 'unknown';
  const kind = status === 'ok' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
  const entries = Object.entries(steps).filter(([, v]) => v && typeof v === 'object' && 'ok' in v);
  replace(
    $('#maint-report'),
    h(
      'div',
      { class: 'report-head' },
      h('span', { class: `badge ${kind}`, dataset: { testid: 'maint-status' } }, status),
      job.returncode !== undefined && job.returncode !== null
        ? h('span', { class: 'muted' }, `returncode ${job.returncode}`)
        : null,
      job.duration_ms !== undefined ? h('span', { class: 'muted' }, fmtMs(job.duration_ms)) : null,
      job.finished_at || job.requested_at
        ? h(
            'span',
            { class: 'muted', title: fmtDateTime(job.finished_at ?? job.requested_at) },
            fmtAgo(job.finished_at ?? job.requested_at),
          )
        : null,
      job.job_id ? h('span', { class: 'muted' }, 'job ', copyable(job.job_id)) : null,
    ),
    job.error ? h('p', { class: 'inline-error' }, job.error) : null,
    entries.length === 0
      ? h(
          'p',
          { class: 'muted' },
          status === 'queued' || status === 'running' ? 'In progress…' : 'No step report.',
        )
      : h(
          'table',
          { class: 'table', dataset: { testid: 'maint-steps' } },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Step'),
              h('th', {}, 'Result'),
              h('th', { class: 'num' }, 'Time'),
              h('th', {}, 'Detail'),
            ),
          ),
          h(
            'tbody',
            {},
            entries.map(([name, step]) =>
              h(
                'tr',
                { dataset: { step: name, ok: String(Boolean(step.ok)) } },
                h('td', { class: 'mono nowrap' }, name),
                h('td', {}, badge(step.ok ? 'ok' : 'failed', step.ok ? 'ok' : 'bad')),
                h('td', { class: 'muted nowrap num' }, fmtMs(step.duration_ms)),
                h('td', { class: 'step-detail' }, stepDetail(step)),
              ),
            ),
          ),
        ),
  );
}

async function loadBackups() {
  const body = $('#backups-body');
  try {
    const result = await get(`${MAINTENANCE_PATH}/backups`);
    const rows = listOf(result, 'backups').map((b) => ({
      ...b,
      archived: b.location === 'archived',
    }));
    const archived = rows.filter((b) => b.archived).length;
    $('#backups-meta').textContent =
      `${rows.length - archived} kept${result.keep ? ` (keeps ${result.keep})` : ''}` +
      (archived ? ` · ${archived} archived` : '');
    if (rows.length === 0) {
      replace(body, emptyRow(3, 'No backups yet'));
      return;
    }
    replace(
      body,
      rows.map((b) =>
        h(
          'tr',
          { dataset: { testid: 'backup-row', location: b.archived ? 'archived' : 'kept' } },
          h(
            'td',
            { class: 'mono', title: b.has_checksum ? 'verified; SHA-256 sidecar' : 'verified' },
            b.name,
            b.archived ? h('span', { class: 'muted' }, ' (archived)') : null,
          ),
          h('td', { class: 'muted nowrap num', title: `${b.bytes} bytes` }, fmtBytes(b.bytes)),
          h(
            'td',
            { class: 'muted nowrap', title: fmtDateTime(b.created_at) },
            fmtAgo(b.created_at),
          ),
        ),
      ),
    );
  } catch (err) {
    replace(body, emptyRow(3, `Could not list backups — ${err.status ?? ''} ${err.message}`, true));
    toastError('Could not list backups', err);
  }
}
