import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  listenOnLoopback,
  requireChromium,
  screenshot,
  truncatedCells,
  watchPage,
} from './support/browser';
import { bootApp, TestApp, TEST_TOKEN } from './support/test-app';

const UI_MS = 15000;

/** The console's rails view: dormant → wake → every gate green or red with its reason. */
describe('operator console: rails and scorecard', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let watched: { problems: string[] };

  beforeAll(async () => {
    requireChromium();
    t = await bootApp();
    origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_MS);
    watched = watchPage(page, origin);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('offers to wake manifestator, then shows each gate with its status and reason', async () => {
    await page.goto(`${origin}/operator/ui/#rails`);
    await page.fill('[data-testid=token-input]', TEST_TOKEN);
    await page.click('[data-testid=token-submit]');
    await page.locator('#view-rails').waitFor({ state: 'visible' });
    const wake = page.locator('[data-testid=rails-wake]');
    await wake.waitFor();
    await wake.click();

    await page.locator('[data-testid=rail]').first().waitFor();
    const rows = await page.$$eval('[data-testid=rail]', (trs) =>
      trs.map((tr) => [
        (tr as unknown as { dataset: Record<string, string> }).dataset.gate,
        (tr as unknown as { dataset: Record<string, string> }).dataset.status,
      ]),
    );
    const api = (await t.http().get('/manifestator/rails').set(t.auth).expect(200)).body;
    expect(rows.map(([g]) => g)).toEqual(api.gates.map((g: { name: string }) => g.name));
    // no backup yet on this fresh instance: backups_fresh is red, with its reason on screen
    const red = page.locator('[data-testid=rail][data-gate=backups_fresh][data-status=failed]');
    await red.getByText('no verified backup yet').waitFor();
    expect(await red.locator('.badge.bad').textContent()).toBe('failed');
    const green = page.locator('[data-testid=rail][data-gate=db_integrity][data-status=ok]');
    expect(await green.locator('.badge.ok').textContent()).toBe('ok');

    await page.locator('[data-testid=score][data-category=routing_coherence]').waitFor();
    expect(await page.locator('[data-testid=score]').count()).toBe(5);
    expect(await page.locator('#score-body').textContent()).toContain('Global:');
    expect(await truncatedCells(page, '#view-rails td')).toEqual([]);
    await screenshot(page, 'rails');
    expect(watched.problems).toEqual([]);
  });

  it('recomputes on demand: after a maintenance run backups_fresh turns green', async () => {
    await t.http().post('/madre/power/maintenance/post_task').set(t.auth).send({}).expect(200);
    await page.click('#rails-refresh');
    await page
      .locator('[data-testid=rail][data-gate=backups_fresh][data-status=ok] .badge.ok')
      .waitFor();
    expect(watched.problems).toEqual([]);
  });
});
