import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { healthIncident } from '../src/modules/madre/health/incident-id';
import { IncidentService } from '../src/modules/madre/health/incident.service';
import { launchChromium, listenOnLoopback, screenshot } from './support/browser';
import { bootApp, TestApp, TEST_TOKEN } from './support/test-app';

const UI_MS = 10000;

/** The console's Incidents view: each incident's S-level, and its post-mortem as a download. */
describe('console: incident levels and post-mortem download', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    t = await bootApp();
    origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    // the console reads its token from localStorage: store it before the page's scripts run
    await context.addInitScript(
      `localStorage.setItem('vx11.operator.token', ${JSON.stringify(TEST_TOKEN)});`,
    );
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the level beside the event severity and downloads the Markdown post-mortem', async () => {
    const core = healthIncident('madre');
    await t.get(IncidentService).raise({
      ...core,
      severity: 'critical',
      detail: 'database not answering (console test)',
    });
    await page.goto(`${origin}/operator/ui/#incidents`);
    const row = page.locator(`tr[data-testid=incident-row][data-incident-id="${core.id}"]`);
    await row.waitFor({ timeout: UI_MS });
    const severityCell = row.locator('td').first();
    const level = severityCell.locator('[data-testid=incident-level]');
    await level.getByText('S2', { exact: true }).waitFor({ timeout: UI_MS });
    expect(await level.getAttribute('title')).toBe('S2 high: core module down');
    await severityCell.getByText('critical', { exact: true }).waitFor({ timeout: UI_MS });
    await screenshot(page, 'postmortem-01-incident-levels');

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_MS }),
      row.locator('[data-testid=incident-postmortem]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`postmortem-${core.id}.md`);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toMatch(/^# Informe Post-Mortem – Incidente S2$/m);
    expect(text).toContain('database not answering (console test)');
    expect(text).toMatch(/^\*\*Servicios afectados:\*\* madre/m);
  });
});
