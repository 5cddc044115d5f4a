import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, listenOnLoopback, requireChromium, screenshot } from './support/browser';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TEST_TOKEN, TestApp, openWindow } from './support/test-app';

const UI_MS = 10_000;

describe('the operator console streams chat answers', () => {
  let t: TestApp;
  let dir: string;
  let browser: Browser;
  let page: Page;
  const fake = new FakeProvider('console-switch');

  beforeAll(async () => {
    requireChromium();
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-console-stream-'));
    t = await bootApp({ VX11_CONFIG_FILE: providerConfigFile(dir, [{ fake, tier: 'switch' }]) });
    await openWindow(t, 'switch', 600);
    const origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_MS);
    await page.addInitScript(
      `localStorage.setItem('vx11.operator.token', ${JSON.stringify(TEST_TOKEN)})`,
    );
    await page.goto(`${origin}/operator/ui/#chat`);
    await page.locator('#view-chat').waitFor({ state: 'visible' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the answer growing as its pieces arrive, then the stored answer with its source', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`);
    fake.behaviour = { kind: 'answer', chunkDelayMs: 60, content: words.join(' ') };
    await page.fill('#chat-input', 'tell me thirty words');
    await page.press('#chat-input', 'Enter');

    // mid-answer: a streaming bubble with some of the words, not yet all of them
    const streaming = page.locator('[data-testid=chat-streaming] .body');
    await streaming.getByText(/word3/).waitFor();
    const partial = (await streaming.textContent()) ?? '';
    expect(partial.startsWith('word0 word1 word2 word3')).toBe(true);
    expect(partial).not.toContain('word29');
    await screenshot(page, 'chat-streaming');

    // the end: the usual answer, whole, with where it came from
    const answer = page.locator('[data-testid=chat-answer]').last();
    await answer.waitFor();
    expect(await answer.getAttribute('data-fallback-source')).toBe('switch');
    expect(await answer.locator('.body').textContent()).toBe(words.join(' '));
    expect(await page.locator('[data-testid=chat-streaming]').count()).toBe(0);
    expect(fake.last?.body.stream).toBe(true);
    await screenshot(page, 'chat-streamed');
  });

  it('keeps a broken-off answer, marked incomplete, instead of showing it as complete', async () => {
    fake.behaviour = { kind: 'die-mid-stream', chunks: 3, content: 'one two three four five' };
    await page.fill('#chat-input', 'break please');
    await page.press('#chat-input', 'Enter');
    const broken = page.locator('li.msg.inline-error').last();
    await broken.getByText(/incomplete/).waitFor();
    expect(await broken.locator('.body').textContent()).toBe('one two three ');
    expect(await page.locator('[data-testid=chat-answer]').count()).toBe(1);
  });
});
