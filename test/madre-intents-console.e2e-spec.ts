import { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  listenOnLoopback,
  requireChromium,
  screenshot,
  watchPage,
} from './support/browser';
import { bootApp, TEST_TOKEN, TestApp } from './support/test-app';

const UI_MS = 15000;

interface Plan {
  plan_id: string;
  status: string;
  risk: string;
  steps: Array<{ status: string }>;
}

describe('operator console: plans view', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let watched: { problems: string[] };

  const plans = async (): Promise<Plan[]> =>
    (await t.http().get('/madre/plans?limit=20').set(t.auth).expect(200)).body.plans as Plan[];

  beforeAll(async () => {
    requireChromium();
    t = await bootApp();
    const origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(
      `localStorage.setItem('vx11.operator.token', ${JSON.stringify(TEST_TOKEN)})`,
    );
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    watched = watchPage(page, origin);
    await page.goto(`${origin}/operator/ui/#plans`);
    await page.locator('#view-plans').waitFor({ state: 'visible' });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('submits a HIGH intent, shows it WAITING with its steps, and confirms it to DONE', async () => {
    await page.selectOption('[data-testid=plans-type]', 'free_text');
    await page.fill('[data-testid=plans-text]', 'restore the database');
    await page.click('[data-testid=plans-submit]');
    const detail = page.locator('[data-testid=plan-detail][data-status=WAITING]');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('risk HIGH');
    expect(await page.locator('[data-testid=plan-step]').count()).toBe(3);
    const [plan] = await plans();
    expect(plan).toMatchObject({ status: 'WAITING', risk: 'HIGH' });
    await page.locator(`tr[data-plan-id="${plan.plan_id}"][data-status=WAITING]`).waitFor();
    await screenshot(page, 'plans-01-waiting');

    // the token the server returned once is filled in by the page that asked
    expect(await page.inputValue('[data-testid=plan-token]')).toMatch(/^vx11c_/);
    await page.click('[data-testid=plan-confirm]');
    await page.locator('[data-testid=plan-detail][data-status=DONE]').waitFor({ timeout: 60000 });
    expect(await page.locator('[data-testid=plan-step][data-status=DONE]').count()).toBe(3);
    expect((await plans()).find((p) => p.plan_id === plan.plan_id)?.status).toBe('DONE');
    await screenshot(page, 'plans-02-done');
  }, 90000);

  it('cancels a waiting plan from the view', async () => {
    await page.fill('[data-testid=plans-text]', 'reinicia hermes');
    await page.click('[data-testid=plans-submit]');
    await page.locator('[data-testid=plan-detail][data-status=WAITING]').waitFor();
    await page.click('[data-testid=plan-cancel]');
    await page.locator('[data-testid=plan-detail][data-status=CANCELLED]').waitFor();
    const [plan] = await plans();
    expect(plan).toMatchObject({ status: 'CANCELLED', risk: 'MED' });
    expect(await page.locator('[data-testid=plan-cancel]').count()).toBe(0);
  });

  it('made no outside request and hit no script error', () => {
    expect(watched.problems).toEqual([]);
  });
});
