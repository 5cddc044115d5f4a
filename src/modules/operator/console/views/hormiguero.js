// Hormiguero: the colony (GET /hormiguero/status: each ant, its interval, last run and findings),
// scan now, record the file baseline, its incidents (ack / resolve) and the actions with
// approval: preview exactly what would change, then approve with the single-use token (kept in
// memory only, dropped on cancel or after use). While hormiguero is dormant, offers to wake it.

import { describeError, get, post } from '../api.js';
import {
  $,
  badge,
  busy,
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

const WAKE_TTL_SEC = 600;
const ACTIONS = ['rotate_logs', 'prune_backup_archive', 'prune_health_history', 'wal_checkpoint'];
const SEVERITY_KIND = { critical: 'bad', high: 'bad', medium: 'warn', low: '', info: 'muted' };
const INCIDENT_KIND = { open: 'bad', acknowledged: 'warn', resolved: 'ok' };

let visible = false;
let loading = false;
/** The preview awaiting approval: {preview_id, approval_token, expires_at, action}. */
let pending = null;

export function initHormiguero() {
  $('#hormiguero-refresh').addEventListener('click', (event) => {
    void busy(event.currentTarget, () => loadHormiguero());
  });
  $('#hormiguero-scan').addEventListener('click', (event) => {
    void busy(event.currentTarget, async () => {
      try {
        const report = await post('/hormiguero/scan/once', {}, { timeoutMs: 120000 });
        toast(
          `Scan done: ${report.findings.length} findings`,
          report.findings.length ? 'warn' : 'ok',
        );
        await loadHormiguero();
      } catch (err) {
        toastError('Scan failed', err);
      }
    });
  });
  $('#hormiguero-baseline').addEventListener('click', (event) => {
    if (!window.confirm('Record the file baseline anew? Current files become the reference.'))
      return;
    void busy(event.currentTarget, async () => {
      try {
        const rec = await post('/hormiguero/baseline', {}, { timeoutMs: 120000 });
        toast(`Baseline recorded: ${rec.files} files`, 'ok');
        await loadHormiguero();
      } catch (err) {
        toastError('Could not record the baseline', err);
      }
    });
  });
  const select = $('#hormiguero-action');
  replace(select, ...ACTIONS.map((a) => h('option', { value: a }, a)));
  $('#hormiguero-action-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(event.submitter ?? $('#hormiguero-preview'), () => previewAction());
  });
}

export function setHormigueroVisible(isVisible) {
  visible = isVisible;
  if (visible) void loadHormiguero();
}

async function loadHormiguero() {
  if (loading) return;
  loading = true;
  try {
    // asked first, so a dormant hormiguero is not probed with requests it must refuse (503)
    const operator = await get('/operator/api/status');
    if (operator.optional_services?.hormiguero !== 'active') {
      renderDormant(operator.optional_services?.hormiguero);
      return;
    }
    const [status, incidents] = await Promise.all([
      get('/hormiguero/status'),
      get('/hormiguero/incidents?limit=50'),
    ]);
    renderStatus(status);
    renderFindings(status.last_findings);
    renderIncidents(incidents.incidents);
    $('#hormiguero-actions').hidden = false;
  } catch (err) {
    if (err.code === 'module_dormant') renderDormant();
    else {
      replace($('#hormiguero-ants'), h('p', { class: 'inline-error' }, describeError(err)));
      if (!err.isAuth) toastError('Could not load hormiguero', err);
    }
  } finally {
    loading = false;
  }
}

function renderDormant(state = 'dormant') {
  $('#hormiguero-meta').textContent = '';
  $('#hormiguero-actions').hidden = true;
  const wake = h(
    'button',
    { type: 'button', class: 'primary', dataset: { testid: 'hormiguero-wake' } },
    `Wake hormiguero for ${WAKE_TTL_SEC / 60} min`,
  );
  wake.addEventListener('click', () =>
    busy(wake, async () => {
      try {
        await post('/madre/power/window/open', {
          services: ['hormiguero'],
          ttl_sec: WAKE_TTL_SEC,
          reason: 'operator console: hormiguero',
        });
        toast('Hormiguero is awake', 'ok');
        await loadHormiguero();
      } catch (err) {
        toastError('Could not open a window for hormiguero', err);
      }
    }),
  );
  replace(
    $('#hormiguero-ants'),
    h(
      'p',
      { class: 'muted' },
      `Hormiguero is ${state}: its ants scan only while it is active. `,
      wake,
    ),
  );
  replace($('#hormiguero-findings'));
  replace($('#hormiguero-incidents'));
}

function severityBadge(severity) {
  return badge(severity, SEVERITY_KIND[severity] ?? '');
}

function renderStatus(status) {
  const baseline = status.baseline
    ? `baseline ${fmtDateTime(status.baseline.recorded_at)} (${status.baseline.files} files)`
    : 'no baseline yet';
  $('#hormiguero-meta').textContent =
    `${status.scheduler_running ? 'queen running' : 'queen stopped'} · ${status.scans} scans · ${baseline}`;
  const rows = status.ants.map((a) => {
    const run = a.last_run;
    return h(
      'tr',
      { dataset: { testid: 'ant', ant: a.ant } },
      h('td', {}, h('code', {}, a.ant)),
      h(
        'td',
        { class: 'num' },
        `${Math.round((a.effective_interval_sec ?? a.interval_sec) * 10) / 10} s`,
        a.scheduled ? '' : h('div', { class: 'small muted' }, 'not scheduled'),
      ),
      h('td', {}, a.queued ? badge('queue', 'ok') : badge('local timer', 'warn')),
      h(
        'td',
        {},
        run ? `${fmtAgo(run.started_at)} (${run.trigger}, ${fmtMs(run.duration_ms)})` : '—',
      ),
      h(
        'td',
        {},
        !run
          ? ''
          : run.ok
            ? badge(`${run.findings.length} findings`, run.findings.length ? 'warn' : 'ok')
            : h('span', { class: 'inline-error' }, run.error),
      ),
    );
  });
  replace(
    $('#hormiguero-ants'),
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Ant'),
          h('th', { class: 'num' }, 'Interval'),
          h('th', {}, 'Scheduled by'),
          h('th', {}, 'Last run'),
          h('th', {}, 'Result'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

function evidence(value) {
  return h(
    'details',
    {},
    h('summary', { class: 'small muted' }, 'evidence'),
    h('pre', { class: 'small' }, JSON.stringify(value ?? {}, null, 2)),
  );
}

function renderFindings(findings) {
  const rows = findings.length
    ? findings.map((f) =>
        h(
          'tr',
          { dataset: { testid: 'finding', ant: f.ant, severity: f.severity } },
          h('td', {}, severityBadge(f.severity)),
          h('td', {}, h('code', {}, f.ant)),
          h('td', {}, h('strong', {}, f.title), h('div', { class: 'small' }, f.detail)),
          h('td', {}, evidence(f.evidence)),
        ),
      )
    : [emptyRow(4, 'No findings in the latest scans.')];
  replace(
    $('#hormiguero-findings'),
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Severity'),
          h('th', {}, 'Ant'),
          h('th', {}, 'Finding'),
          h('th', {}, ''),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

function incidentButton(label, path, incident, body) {
  const button = h('button', { type: 'button', class: 'small' }, label);
  button.addEventListener('click', () =>
    busy(button, async () => {
      try {
        await post(`/hormiguero/incidents/${incident.id}/${path}`, body);
        await loadHormiguero();
      } catch (err) {
        toastError(`Could not ${label.toLowerCase()} the incident`, err);
      }
    }),
  );
  return button;
}

function renderIncidents(incidents) {
  const rows = incidents.length
    ? incidents.map((i) =>
        h(
          'tr',
          { dataset: { testid: 'hormiguero-incident', status: i.status } },
          h('td', {}, badge(i.status, INCIDENT_KIND[i.status] ?? '')),
          h('td', {}, h('code', {}, i.kind)),
          h('td', {}, h('strong', {}, i.title), h('div', { class: 'small' }, i.detail ?? '')),
          h('td', { class: 'num' }, String(i.count)),
          h('td', {}, fmtAgo(i.last_seen_at)),
          h(
            'td',
            {},
            i.status === 'open' ? incidentButton('Ack', 'ack', i) : '',
            i.status !== 'resolved' ? incidentButton('Resolve', 'resolve', i, {}) : '',
          ),
        ),
      )
    : [emptyRow(6, 'No hormiguero incidents.')];
  replace(
    $('#hormiguero-incidents'),
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Status'),
          h('th', {}, 'Kind'),
          h('th', {}, 'Incident'),
          h('th', { class: 'num' }, 'Seen'),
          h('th', {}, 'Last'),
          h('th', {}, ''),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

// ---- actions: preview, then approve ---------------------------------------------------------

function readParams() {
  const text = $('#hormiguero-params').value.trim();
  if (!text) return {};
  const parsed = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('params must be a JSON object');
  }
  return parsed;
}

async function previewAction() {
  let params;
  try {
    params = readParams();
  } catch (err) {
    toast(`Invalid params: ${err.message}`, 'bad');
    return;
  }
  const action = $('#hormiguero-action').value;
  try {
    const p = await post('/hormiguero/actions/preview', { action, params });
    pending = {
      preview_id: p.preview_id,
      approval_token: p.approval_token,
      expires_at: p.expires_at,
      action,
    };
    renderPreview(p);
  } catch (err) {
    pending = null;
    replace($('#hormiguero-plan'), h('p', { class: 'inline-error' }, describeError(err)));
  }
}

function renderPreview(p) {
  const plan = p.plan;
  const files = plan.files.length
    ? h(
        'table',
        { class: 'table', dataset: { testid: 'plan-files' } },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'File'),
            h('th', { class: 'num' }, 'Bytes'),
            h('th', {}, 'Change'),
          ),
        ),
        h(
          'tbody',
          {},
          ...plan.files.map((f) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, f.file)),
              h('td', { class: 'num' }, fmtBytes(f.bytes)),
              h('td', {}, f.change),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted small' }, 'No files change.');
  const by = h('input', { type: 'text', placeholder: 'approved by (optional)', maxLength: 64 });
  const approve = h(
    'button',
    { type: 'button', class: 'primary', dataset: { testid: 'hormiguero-apply' } },
    'Approve and apply',
  );
  const cancel = h('button', { type: 'button' }, 'Cancel');
  approve.addEventListener('click', () => busy(approve, () => applyPending(by.value.trim())));
  cancel.addEventListener('click', () => {
    pending = null;
    replace($('#hormiguero-plan'), h('p', { class: 'muted small' }, 'Preview discarded.'));
  });
  replace(
    $('#hormiguero-plan'),
    h('p', {}, h('strong', {}, p.action), ': ', plan.summary),
    h(
      'p',
      { class: 'small muted' },
      `${fmtBytes(plan.bytes)} in files · ${plan.rows} rows · approval expires ${fmtDateTime(p.expires_at)}`,
    ),
    files,
    h('div', { class: 'row' }, by, approve, cancel),
  );
}

async function applyPending(approvedBy) {
  if (!pending) return;
  const { preview_id, approval_token } = pending;
  pending = null; // single use: whatever happens, this token is not offered again
  try {
    const r = await post('/hormiguero/actions/apply', {
      preview_id,
      approval_token,
      ...(approvedBy ? { approved_by: approvedBy } : {}),
    });
    replace(
      $('#hormiguero-plan'),
      h(
        'p',
        {},
        badge(r.status, r.status === 'applied' ? 'ok' : 'bad'),
        ` ${r.action} by ${r.applied_by} at ${fmtDateTime(r.applied_at)}`,
        r.error ? h('div', { class: 'inline-error' }, r.error) : '',
      ),
      evidence(r.result),
    );
    toast(`${r.action} ${r.status}`, r.status === 'applied' ? 'ok' : 'bad');
    if (visible) await loadHormiguero();
  } catch (err) {
    replace($('#hormiguero-plan'), h('p', { class: 'inline-error' }, describeError(err)));
    toastError('The action was not applied', err);
  }
}
