// Plans: madre's intents as plans (POST /madre/intent), their steps with status, and the
// confirm / cancel buttons of a WAITING plan. Confirm tokens are shown once by the server:
// the console keeps the ones it received in memory only (never in storage); another client's
// token can be pasted.

import { describeError, get, post } from '../api.js';
import {
  $,
  badge,
  busy,
  emptyRow,
  fmtAgo,
  fmtMs,
  h,
  preview,
  replace,
  toast,
  toastError,
} from '../ui.js';

const POLL_MS = 3000;
const LIST_LIMIT = 50;
const FINAL = ['DONE', 'ERROR', 'CANCELLED', 'EXPIRED'];
const STATUS_KIND = {
  DONE: 'ok',
  ERROR: 'bad',
  EXPIRED: 'bad',
  CANCELLED: '',
  WAITING: 'warn',
  RUNNING: 'warn',
  PENDING: '',
  SKIPPED: '',
};
const RISK_KIND = { LOW: 'ok', MED: 'warn', HIGH: 'bad' };

let visible = false;
let timer = null;
let selected = null;
/** plan_id → confirm token, for plans this page submitted (memory only). */
const tokens = new Map();

export function initPlans() {
  $('#plans-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(event.submitter ?? $('#plans-submit'));
  });
  $('#plans-filter').addEventListener('change', () => void loadList());
}

export function setPlansVisible(isVisible) {
  visible = isVisible;
  if (timer) clearInterval(timer);
  timer = null;
  if (!visible) return;
  void refreshPlans();
  timer = setInterval(() => void refreshPlans(), POLL_MS);
}

async function refreshPlans() {
  await loadList();
  if (selected) await loadPlan(selected);
}

async function submit(button) {
  const intentType = $('#plans-type').value;
  const text = $('#plans-text').value.trim();
  const body = { intent_type: intentType };
  if (text) body.text = text;
  await busy(button, async () => {
    try {
      const plan = await post('/madre/intent', body);
      if (plan.confirm_token) tokens.set(plan.plan_id, plan.confirm_token);
      toast(`Plan ${plan.status} (risk ${plan.risk})`, plan.status === 'WAITING' ? 'warn' : 'ok');
      $('#plans-text').value = '';
      selected = plan.plan_id;
      renderPlan(plan);
      await loadList();
    } catch (err) {
      toastError('The intent was refused', err);
    }
  });
}

async function loadList() {
  const status = $('#plans-filter').value;
  const query = `?limit=${LIST_LIMIT}${status ? `&status=${encodeURIComponent(status)}` : ''}`;
  const tbody = $('#plans-body');
  try {
    const page = await get(`/madre/plans${query}`);
    if (page.plans.length === 0) {
      replace(tbody, emptyRow(5, 'No plans yet. Submit an intent.'));
      return;
    }
    replace(
      tbody,
      ...page.plans.map((plan) =>
        h(
          'tr',
          {
            class: plan.plan_id === selected ? 'selected clickable' : 'clickable',
            dataset: { testid: 'plan-row', planId: plan.plan_id, status: plan.status },
            onclick: () => {
              selected = plan.plan_id;
              void refreshPlans();
            },
          },
          h('td', {}, fmtAgo(plan.created_at)),
          h(
            'td',
            {},
            plan.intent_type,
            plan.text ? h('div', { class: 'muted small' }, preview(plan.text, 60)) : '',
          ),
          h('td', {}, badge(plan.risk, RISK_KIND[plan.risk])),
          h('td', {}, badge(plan.status, STATUS_KIND[plan.status])),
          h('td', { class: 'num' }, String(plan.steps.length)),
        ),
      ),
    );
  } catch (err) {
    replace(tbody, emptyRow(5, describeError(err), true));
  }
}

async function loadPlan(id) {
  try {
    renderPlan(await get(`/madre/plans/${encodeURIComponent(id)}`));
  } catch (err) {
    replace($('#plan-detail'), h('p', { class: 'inline-error' }, describeError(err)));
  }
}

const clip = (text, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One line on what a finished step did, from its output. */
function stepSummary(step) {
  const o = step.output;
  if (step.error) return step.error;
  if (!o) return '';
  switch (step.type) {
    case 'SYSTEM_HEALTHCHECK':
      return `${o.passed ? 'passed' : 'failing'}: ${o.total - o.failing}/${o.total} modules healthy`;
    case 'CALL_SWITCH':
      return `${o.fallback_source} (${o.provider}): ${clip(String(o.response ?? ''))}`;
    case 'OPEN_WINDOW':
      return o.opened
        ? `window ${o.window_id} open for ${o.target}`
        : (o.note ?? 'no window needed');
    case 'CLOSE_WINDOW':
      return o.closed ? `window ${o.window_id} closed` : (o.note ?? '');
    case 'RUN_MAINTENANCE':
      return `maintenance ${o.status} (returncode ${o.returncode}), job ${o.job_id}${o.reused ? `, ${o.reused}` : ''}`;
    case 'SPAWNER_REQUEST':
      return `${o.program}: ${o.status}, exit ${o.exit_code}${o.stdout ? ` — ${clip(String(o.stdout))}` : ''}`;
    case 'NOOP':
      return o.note ?? '';
    default:
      return preview(o, 140);
  }
}

function renderPlan(plan) {
  const actions = [];
  if (plan.status === 'WAITING') {
    const input = h('input', {
      type: 'text',
      id: 'plan-token',
      placeholder: 'confirm token',
      value: tokens.get(plan.plan_id) ?? '',
      autocomplete: 'off',
      dataset: { testid: 'plan-token' },
    });
    const confirmButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        dataset: { testid: 'plan-confirm' },
        onclick: () => void confirmPlan(plan.plan_id, input.value.trim(), confirmButton),
      },
      'Confirm',
    );
    actions.push(input, confirmButton);
  }
  if (!FINAL.includes(plan.status)) {
    const cancelButton = h(
      'button',
      {
        type: 'button',
        dataset: { testid: 'plan-cancel' },
        onclick: () => void cancelPlan(plan.plan_id, cancelButton),
      },
      'Cancel',
    );
    actions.push(cancelButton);
  }
  replace(
    $('#plan-detail'),
    h(
      'div',
      { class: 'stack', dataset: { testid: 'plan-detail', status: plan.status } },
      h(
        'div',
        { class: 'form-row inline' },
        badge(plan.status, STATUS_KIND[plan.status]),
        badge(`risk ${plan.risk}`, RISK_KIND[plan.risk]),
        h('code', { class: 'small' }, plan.plan_id),
      ),
      h('p', {}, plan.explanation),
      plan.error ? h('p', { class: 'inline-error' }, plan.error) : '',
      plan.status === 'WAITING' && plan.confirm_expires_at
        ? h(
            'p',
            { class: 'muted small' },
            `Token expires ${new Date(plan.confirm_expires_at).toLocaleString()}`,
          )
        : '',
      actions.length ? h('div', { class: 'form-row inline' }, ...actions) : '',
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'table', dataset: { testid: 'plan-steps' } },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, '#'),
              h('th', {}, 'Step'),
              h('th', {}, 'Status'),
              h('th', { class: 'num' }, 'Took'),
              h('th', {}, 'Result'),
            ),
          ),
          h(
            'tbody',
            {},
            ...plan.steps.map((step) =>
              h(
                'tr',
                { dataset: { testid: 'plan-step', status: step.status } },
                h('td', {}, String(step.seq + 1)),
                h(
                  'td',
                  {},
                  step.type,
                  step.cleanup ? h('span', { class: 'muted small' }, ' (cleanup)') : '',
                ),
                h('td', {}, badge(step.status, STATUS_KIND[step.status])),
                h(
                  'td',
                  { class: 'num' },
                  step.duration_ms === null ? '—' : fmtMs(step.duration_ms),
                ),
                h('td', { class: step.error ? 'inline-error' : 'muted small' }, stepSummary(step)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

async function confirmPlan(id, token, button) {
  if (!token) {
    toast('Paste the confirm token first', 'warn');
    return;
  }
  await busy(button, async () => {
    try {
      const plan = await post(`/madre/plans/${encodeURIComponent(id)}/confirm`, {
        confirm_token: token,
      });
      tokens.delete(id);
      toast('Plan confirmed: it runs now', 'ok');
      renderPlan(plan);
    } catch (err) {
      toastError('Confirmation refused', err);
      await loadPlan(id);
    }
    await loadList();
  });
}

async function cancelPlan(id, button) {
  await busy(button, async () => {
    try {
      renderPlan(await post(`/madre/plans/${encodeURIComponent(id)}/cancel`, {}));
      tokens.delete(id);
      toast('Plan cancelled', 'ok');
    } catch (err) {
      toastError('Could not cancel the plan', err);
    }
    await loadList();
  });
}
