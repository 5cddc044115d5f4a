import type { Browser, Page } from 'playwright-core';
import { healthIncident } from '../src/modules/madre/health/incident-id';
import { SwitchLifecycle } from '../src/modules/switch/switch.lifecycle';
import {
  launchChromium,
  listenOnLoopback,
  requireChromium,
  screenshot,
  watchPage,
} from './support/browser';
import { bootApp, TestApp, TEST_TOKEN, waitFor } from './support/test-app';

/** Budget of one UI expectation (Playwright auto-waits up to this long, no blind sleeps). */
const UI_MS = 10000;
const WINDOW_TTL_SEC = 30;

interface PowerState {
  policy: string;
  window_id: string | null;
  deadline: string | null;
  ttl_remaining_sec: number | null;
  active_services: string[];
}

describe('operator console: static serving', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('redirects /operator and /operator/ui to the console, served without a token', async () => {
    await t.http().get('/operator').expect(302).expect('location', '/operator/ui/');
    await t.http().get('/operator/ui').expect(301).expect('location', '/operator/ui/');
    const page = await t.http().get('/operator/ui/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="app.js"></script>');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const script = await t.http().get('/operator/ui/app.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    await t.http().get('/operator/ui/views/power.js').expect(200);
  });

  it('holds no outside reference (no CDN): every src/href is relative', async () => {
    const page = await t.http().get('/operator/ui/').expect(200);
    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) expect(ref).not.toMatch(/^(https?:)?\/\//);
  });

  it('answers 404 for a missing file and never serves outside the console folder', async () => {
    await t.http().get('/operator/ui/nope.js').expect(404);
    const escaped = await t.http().get('/operator/ui/..%2f..%2fpackage.json');
    expect([400, 403, 404]).toContain(escaped.status);
  });

  it('keeps the API behind the token', async () => {
    await t.http().get('/operator/api/status').expect(401);
  });
});

describe('operator console in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watched: { problems: string[] };

  const api = async <T = Record<string, unknown>>(path: string): Promise<T> =>
    (await t.http().get(path).set(t.auth).expect(200)).body as T;
  const powerState = () => api<PowerState>('/madre/power/state');
  const operatorStatus = () =>
    api<{
      policy: string;
      window: { window_id: string; deadline: string | null } | null;
      optional_services: Record<string, string>;
    }>('/operator/api/status');

  /** The module states the console shows, by name. */
  const shownStates = async () =>
    Object.fromEntries(
      await page.$$eval('tr[data-module]', (rows) =>
        rows.map((r) => [r.getAttribute('data-module'), r.getAttribute('data-state')]),
      ),
    ) as Record<string, string>;

  /** /operator/api/status and the console agree with /madre/power/state. */
  async function expectAgreement(state: PowerState) {
    const status = await operatorStatus();
    expect(status.policy).toBe(state.policy);
    expect(status.window?.window_id ?? null).toBe(state.window_id);
    expect(status.window?.deadline ?? null).toBe(state.deadline);
    for (const [name, moduleState] of Object.entries(status.optional_services)) {
      expect({ name, active: moduleState === 'active' }).toEqual({
        name,
        active: state.active_services.includes(name),
      });
    }
    const shown = await shownStates();
    expect(Object.keys(shown).length).toBe(10);
    for (const [name, moduleState] of Object.entries(shown)) {
      expect({ name, active: moduleState === 'active' }).toEqual({
        name,
        active: state.active_services.includes(name),
      });
    }
    expect(await page.textContent('[data-testid=policy-current]')).toBe(state.policy);
    expect(await page.textContent('[data-testid=header-policy]')).toBe(state.policy);
  }

  beforeAll(async () => {
    requireChromium(); // fails loudly (with the install command) before booting anything
    t = await bootApp();
    origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    watched = watchPage(page, origin);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong token with a clear message, then accepts the right one', async () => {
    await page.goto(`${origin}/operator`); // redirected to /operator/ui/
    expect(page.url()).toBe(`${origin}/operator/ui/#modules`);
    const dialog = page.locator('[data-testid=token-dialog]');
    await dialog.waitFor({ state: 'visible' });

    await page.fill('[data-testid=token-input]', 'wrong-token-wrong-token');
    await page.click('[data-testid=token-submit]');
    const error = page.locator('[data-testid=token-error]');
    await error.getByText('That token was refused (403 forbidden)').waitFor();
    await screenshot(page, '01-wrong-token');

    await page.fill('[data-testid=token-input]', TEST_TOKEN);
    await page.click('[data-testid=token-submit]');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('tr[data-module=madre][data-state=active]').waitFor();
    await page.locator('#live[data-state=live]').waitFor();
    expect(await page.evaluate('localStorage.getItem("vx11.operator.token")')).toBe(TEST_TOKEN);
    await expectAgreement(await powerState());
    await screenshot(page, '02-modules');
  });

  it('wakes switch for 30 s from the UI: countdown and state change, in agreement with madre', async () => {
    await page.selectOption('[data-testid=wake-module]', 'switch');
    await page.fill('[data-testid=wake-ttl]', String(WINDOW_TTL_SEC));
    await page.click('[data-testid=wake-button]');

    await page.locator('tr[data-module=switch][data-state=active]').waitFor();
    const state = await powerState();
    expect(state.window_id).toEqual(expect.any(String));
    expect(state.active_services).toContain('switch');
    expect(state.ttl_remaining_sec).toBeLessThanOrEqual(WINDOW_TTL_SEC);

    // The console shows the same window and deadline, and counts down from it.
    await page.locator('[data-testid=window-id]').getByText(state.window_id!).waitFor();
    expect(await page.getAttribute('[data-testid=window-deadline]', 'data-deadline')).toBe(
      state.deadline,
    );
    const countdown = page.locator('#countdown');
    const first = Number(await countdown.getAttribute('data-remaining'));
    expect(Math.abs(first - state.ttl_remaining_sec!)).toBeLessThanOrEqual(2);
    expect(await countdown.textContent()).toMatch(/^0:[0-3]\d$/);
    // It ticks every second, from the deadline.
    await page.locator(`#countdown:not([data-remaining="${first}"])`).waitFor({ timeout: 3000 });
    expect(Number(await countdown.getAttribute('data-remaining'))).toBeLessThan(first);
    await page
      .locator('[data-testid=header-window]')
      .getByText(/window switch · 0:\d\d/)
      .waitFor();
    await expectAgreement(await powerState());
    await screenshot(page, '03-window-open');
  });

  it('closes the window from the UI, in agreement with madre', async () => {
    await page.click('[data-testid=close-window]');
    await page.locator('tr[data-module=switch][data-state=off]').waitFor();
    await page.locator('[data-testid=window-countdown]').getByText('closed').waitFor();
    const state = await powerState();
    expect(state.window_id).toBeNull();
    expect(state.active_services).not.toContain('switch');
    await expectAgreement(state);
    expect(await page.textContent('[data-testid=header-window]')).toBe('no window');
    await screenshot(page, '04-window-closed');
  });

  it('chats: the answer shows its fallback source, a degraded badge and the correlation id', async () => {
    await page.keyboard.press('/'); // the shortcut opens the chat and focuses its input
    await page.locator('#chat-input:focus').waitFor();
    await page.keyboard.type('status');
    await page.keyboard.press('Enter');

    const answer = page.locator('[data-testid=chat-answer]').last();
    await answer.waitFor();
    await answer.locator('[data-testid=degraded-badge]').waitFor();
    expect(await answer.getAttribute('data-fallback-source')).toBe('local_llm_degraded');
    await answer.getByText('local_llm_degraded').waitFor();
    const correlationId = (await answer.getAttribute('data-correlation-id'))!;
    expect(correlationId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    await answer.locator('[data-testid=correlation-id]').getByText(correlationId).waitFor();

    // The session is kept, and the server stored the same correlation id with the answer.
    const sessionId = (await page.textContent('[data-testid=chat-session]'))!;
    const session = await api<{ messages: Array<{ role: string; correlation_id: string }> }>(
      `/operator/session/${sessionId}`,
    );
    expect(session.messages.find((m) => m.role === 'assistant')?.correlation_id).toBe(
      correlationId,
    );
    await page.keyboard.type('help');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=chat-answer]').nth(1).waitFor();
    expect(await page.textContent('[data-testid=chat-session]')).toBe(sessionId);
    await screenshot(page, '05-chat');
  });

  it('shows an event ingested over HTTP live, and filters by type', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('e');
    await page.locator('#view-events').waitFor({ state: 'visible' });
    await page.locator('#live[data-state=live]').waitFor();

    const ingest = async (type: string, payload: Record<string, unknown>) =>
      (
        await t
          .http()
          .post('/events/ingest')
          .set(t.auth)
          .send({ type, source: 'console-e2e', severity: 'warning', payload })
          .expect(201)
      ).body.event_id as string;

    const first = await ingest('console.test.ping', { n: 1 });
    const row = page.locator(`tr[data-event-id="${first}"]`);
    await row.waitFor();
    await row.getByText('console.test.ping').waitFor();
    expect(
      await page.locator('tr[data-testid=event-row]').first().getAttribute('data-event-id'),
    ).toBe(first); // newest first

    // Only console.* from now on: an other.* event ingested before a console.* one never shows.
    await page.fill('[data-testid=events-filter]', 'console.*');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=toast-ok]').getByText('Showing console.*').waitFor();
    const hidden = await ingest('other.test.noise', { n: 2 });
    const shown = await ingest('console.test.pong', { n: 3 });
    await page.locator(`tr[data-event-id="${shown}"]`).waitFor();
    expect(await page.locator(`tr[data-event-id="${hidden}"]`).count()).toBe(0);
    const types = await page.$$eval('tr[data-testid=event-row]', (rows) =>
      rows.map((r) => r.getAttribute('data-type')),
    );
    expect(types.every((type) => type!.startsWith('console.'))).toBe(true);
    await screenshot(page, '06-events');

    await page.fill('[data-testid=events-filter]', '');
    await page.keyboard.press('Enter');
    await page.locator(`tr[data-event-id="${hidden}"]`).waitFor();
  });

  it('acknowledges an incident the health monitor opened', async () => {
    // Make switch fail its health check: wake it, then stop its worker behind madre's back.
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'switch', mode: 'hold', reason: 'console e2e: incident' })
      .expect(200);
    const lifecycle = t.get(SwitchLifecycle) as unknown as { worker: { close(): Promise<void> } };
    await lifecycle.worker.close();
    // A cycle already under way when the worker stopped is joined, not restarted: ask again.
    await waitFor(async () => {
      const cycle = await t.http().post('/madre/health/run').set(t.auth).expect(200);
      const results = cycle.body.results as Array<{ module: string; ok: boolean }>;
      return results.some((r) => r.module === 'switch' && !r.ok);
    }, UI_MS);
    const { id } = healthIncident('switch');

    await page.keyboard.press('Escape'); // leave the filter field: shortcuts are keys again
    await page.keyboard.press('4');
    const row = page.locator(`tr[data-testid=incident-row][data-incident-id="${id}"]`);
    await row.locator('[data-testid=incident-status]').getByText('open').waitFor();
    await page
      .locator('[data-testid=health-cell][data-module=switch] .spark .fail')
      .first()
      .waitFor();
    await screenshot(page, '07-incident-open');

    await row.locator('[data-testid=incident-ack]').click();
    await row.locator('[data-testid=incident-status]').getByText('acknowledged').waitFor();
    const listed = await api<{ incidents: Array<{ id: string; status: string }> }>(
      '/operator/api/incidents?status=acknowledged',
    );
    expect(listed.incidents.find((i) => i.id === id)?.status).toBe('acknowledged');
    await screenshot(page, '08-incident-acknowledged');

    await row.locator('[data-testid=incident-resolve]').click();
    await page
      .locator('[data-testid=toast-ok]')
      .getByText(/^Resolved:/)
      .waitFor();
    const resolved = await api<{ incidents: Array<{ id: string; resolved_by: string }> }>(
      '/operator/api/incidents?status=resolved',
    );
    expect(resolved.incidents.find((i) => i.id === id)?.resolved_by).toBe('operator');
    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
  });

  it('runs maintenance now and shows the report and the backups', async () => {
    await page.keyboard.press('5');
    await page.click('[data-testid=maint-run]');
    await page.locator('[data-testid=maint-status]').getByText('ok').waitFor({ timeout: 60000 });
    const steps = await page.$$eval('[data-testid=maint-steps] tr[data-step]', (rows) =>
      rows.map((r) => [r.getAttribute('data-step'), r.getAttribute('data-ok')]),
    );
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.every(([, ok]) => ok === 'true')).toBe(true);
    await page.locator('tr[data-testid=backup-row][data-location=kept]').first().waitFor();
    await screenshot(page, '09-maintenance');
  }, 90000);

  it('draws the topology from /api/map', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.locator('[data-testid=topology-node][data-node=madre][data-state=active]').waitFor();
    const map = await api<{ nodes: unknown[]; edges: unknown[] }>('/api/map');
    expect(await page.locator('[data-testid=topology-node]').count()).toBe(map.nodes.length);
    expect(await page.locator('#topology path.edge').count()).toBe(map.edges.length);
    await screenshot(page, '10-topology');
  });

  it('forgets the token on request', async () => {
    await page.click('[data-testid=token-button]');
    await page.click('#token-forget');
    await page.locator('[data-testid=token-error]').getByText('Token forgotten').waitFor();
    expect(await page.evaluate('localStorage.getItem("vx11.operator.token")')).toBeNull();
  });

  it('made no outside request and hit no script or CSP error', () => {
    expect(watched.problems).toEqual([]);
  });
});
