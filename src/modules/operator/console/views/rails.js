// Rails and scorecard: GET /manifestator/rails (every invariant gate, computed live, green or
// red with its reason) and GET /manifestator/scorecard (each category with its formula and the
// weighted global). While manifestator is dormant, says so and offers to wake it briefly.

import { describeError, get, post } from '../api.js';
import { store } from '../state.js';
import { $, badge, busy, fmtDateTime, fmtMs, h, replace, toast, toastError } from '../ui.js';

const WAKE_TTL_SEC = 600;
const STATUS_KIND = { ok: 'ok', failed: 'bad', skipped: 'warn' };

let visible = false;
let loading = false;

export function initRails() {
  $('#rails-refresh').addEventListener('click', (event) => {
    void busy(event.currentTarget, () => loadRails());
  });
}

export function setRailsVisible(isVisible) {
  visible = isVisible;
  if (visible) void loadRails();
}

/** `force`: ask even if the last known state says manifestator is dormant (just woken). */
async function loadRails(force = false) {
  if (loading) return;
  const state = store.status?.optional_services?.manifestator;
  if (!force && state && state !== 'active') {
    renderDormant(state);
    return;
  }
  loading = true;
  try {
    const [rails, card] = await Promise.all([
      get('/manifestator/rails', { timeoutMs: 60000 }),
      get('/manifestator/scorecard', { timeoutMs: 60000 }),
    ]);
    renderRails(rails);
    renderScorecard(card);
  } catch (err) {
    if (err.code === 'module_dormant') renderDormant(err.body?.message ?? 'dormant');
    else {
      replace($('#rails-body'), h('p', { class: 'inline-error' }, describeError(err)));
      replace($('#score-body'));
      if (!err.isAuth) toastError('Could not compute the rails', err);
    }
  } finally {
    loading = false;
  }
}

function renderDormant(state) {
  $('#rails-meta').textContent = '';
  $('#score-meta').textContent = '';
  const wake = h(
    'button',
    { type: 'button', class: 'primary', dataset: { testid: 'rails-wake' } },
    `Wake manifestator for ${WAKE_TTL_SEC / 60} min`,
  );
  wake.addEventListener('click', () =>
    busy(wake, async () => {
      try {
        await post('/madre/power/window/open', {
          services: ['manifestator'],
          ttl_sec: WAKE_TTL_SEC,
          reason: 'operator console: rails',
        });
        toast('Manifestator is awake', 'ok');
        await loadRails(true);
      } catch (err) {
        toastError('Could not open a window for manifestator', err);
      }
    }),
  );
  replace(
    $('#rails-body'),
    h(
      'p',
      { class: 'muted' },
      `Manifestator is not active (${state}): the rails are computed only while it is. `,
      wake,
    ),
  );
  replace($('#score-body'));
}

function statusBadge(status) {
  return badge(status, STATUS_KIND[status] ?? '');
}

function evidenceOf(gate) {
  const text = JSON.stringify(gate.evidence ?? {}, null, 2);
  return h(
    'details',
    {},
    h('summary', { class: 'small muted' }, 'evidence'),
    h('pre', { class: 'small' }, text),
  );
}

function renderRails(rails) {
  $('#rails-meta').textContent =
    `${rails.passed} ok · ${rails.failed} failed · ${rails.skipped} skipped — ${fmtDateTime(rails.checked_at)} in ${fmtMs(rails.duration_ms)}`;
  const rows = rails.gates.map((gate) =>
    h(
      'tr',
      { dataset: { testid: 'rail', gate: gate.name, status: gate.status } },
      h('td', {}, h('code', {}, gate.name), h('div', { class: 'small muted' }, gate.description)),
      h('td', {}, statusBadge(gate.status)),
      h('td', {}, gate.reason ?? '', evidenceOf(gate)),
      h('td', { class: 'num' }, fmtMs(gate.duration_ms)),
    ),
  );
  replace(
    $('#rails-body'),
    h(
      'table',
      { class: 'table', dataset: { testid: 'rails-table' } },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Gate'),
          h('th', {}, 'Status'),
          h('th', {}, 'Reason'),
          h('th', { class: 'num' }, 'Took'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

function pctText(pct) {
  return pct === null || pct === undefined ? 'not measured' : `${pct}%`;
}

function renderScorecard(card) {
  $('#score-meta').textContent =
    `global ${pctText(card.global_pct)} (pass ≥ ${card.global_threshold_pct}%)`;
  const rows = Object.entries(card.categories).map(([name, c]) =>
    h(
      'tr',
      { dataset: { testid: 'score', category: name } },
      h('td', {}, c.label, h('div', { class: 'small muted' }, c.formula)),
      h('td', { class: 'num' }, pctText(c.pct)),
      h(
        'td',
        {},
        c.pass === null ? badge('n/a') : badge(c.pass ? 'pass' : 'fail', c.pass ? 'ok' : 'bad'),
      ),
      h(
        'td',
        { class: 'small' },
        c.denominator === null ? '' : `${c.numerator} / ${c.denominator} (${c.source})`,
        c.note ? h('div', { class: 'muted' }, c.note) : '',
      ),
    ),
  );
  replace(
    $('#score-body'),
    h(
      'p',
      {},
      'Global: ',
      h('strong', {}, pctText(card.global_pct)),
      ' ',
      card.global_pass === null
        ? badge('n/a')
        : badge(card.global_pass ? 'pass' : 'fail', card.global_pass ? 'ok' : 'bad'),
      h('span', { class: 'small muted' }, ` — ${card.global_formula}`),
    ),
    h(
      'table',
      { class: 'table', dataset: { testid: 'score-table' } },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Category'),
          h('th', { class: 'num' }, 'Score'),
          h('th', {}, 'Verdict'),
          h('th', {}, 'Measured'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}
