import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { nativeDb } from '../src/core/database/native-db';
import { HumanLogService } from '../src/core/logging/human-log.service';
import {
  launchChromium,
  listenOnLoopback,
  requireChromium,
  screenshot,
  watchPage,
} from './support/browser';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp, TEST_TOKEN } from './support/test-app';

const UI_MS = 10000;

describe('operator console: hormiguero view (findings, actions preview-then-approve)', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let watched: { problems: string[] };
  const cfg = configFileEnv({ hormiguero: { scanIntervalSec: 3600, pressure: { rssMb: 1 } } });

  beforeAll(async () => {
    requireChromium();
    t = await bootApp(cfg.env);
    origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    watched = watchPage(page, origin);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    cfg.cleanup();
  });

  it('offers to wake hormiguero, then shows its ants and findings', async () => {
    await page.goto(`${origin}/operator/ui/#hormiguero`);
    await page.fill('[data-testid=token-input]', TEST_TOKEN);
    await page.click('[data-testid=token-submit]');
    await page.locator('#view-hormiguero').waitFor({ state: 'visible' });
    await page.click('[data-testid=hormiguero-wake]');
    await page.locator('tr[data-testid=ant][data-ant=fs_drift]').waitFor();
    await page.click('#hormiguero-scan');
    // rssMb: 1 → the pressure ant reports resident memory
    await page.locator('tr[data-testid=finding][data-ant=pressure]').first().waitFor();
    await page
      .locator('tr[data-testid=hormiguero-incident]')
      .getByText('resident memory high', { exact: true })
      .waitFor();
    await screenshot(page, 'hormiguero-findings');
  });

  it('previews rotate_logs, then applies it once with the approval', async () => {
    t.get(HumanLogService).write('alerts', 'TEST', 'a line for the console to rotate');
    await page.selectOption('[data-testid=hormiguero-action]', 'rotate_logs');
    await page.click('#hormiguero-preview');
    await page.locator('[data-testid=plan-files]').getByText('alerts.log').first().waitFor();
    await screenshot(page, 'hormiguero-preview');
    await page.click('[data-testid=hormiguero-apply]');
    await page.locator('[data-testid=hormiguero-plan] .badge').getByText('applied').waitFor();
    const rows = nativeDb(t.get(DataSource))
      .prepare(
        "SELECT applied_at, applied_by FROM hormiguero_action_previews WHERE action = 'rotate_logs'",
      )
      .all() as Array<{ applied_at: string | null; applied_by: string | null }>;
    expect(rows).toHaveLength(1);
    expect(rows[0].applied_by).toMatch(/^operator@/);
    // the token was single use: the console no longer offers it
    expect(await page.locator('[data-testid=hormiguero-apply]').count()).toBe(0);
    expect(watched.problems).toEqual([]);
  });
});
