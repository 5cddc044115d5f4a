import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser. `.ci/run` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Chromium flags for a headless run that talks to nothing but the app under test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of the browser tests (gitignored). */
export const ARTIFACTS_DIR = join(__dirname, '..', '..', 'test-artifacts', 'console');

/**
 * The Chromium binary, or a loud failure: without it the console's browser tests cannot run,
 * and they must not pass by doing nothing (outside CI or in it).
 */
export function requireChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const message = [
    `Chromium is missing: ${CHROMIUM_PATH} does not exist, so the operator console's browser`,
    'tests cannot run (they fail rather than pass silently).',
    process.env.CI
      ? 'CI must provide it: .ci/run installs it with apt-get install chromium.'
      : 'Install it with: sudo apt-get update && sudo apt-get install -y chromium',
  ].join(' ');
  console.error(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  throw new Error(message);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireChromium(),
    headless: true, // Playwright gives the browser a fresh temporary profile
    args: CHROMIUM_ARGS,
    timeout: 30000,
  });
}

/** Makes the in-process app listen on a free loopback port (once) and returns its origin. */
export async function listenOnLoopback(app: NestFastifyApplication): Promise<string> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Saves a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * What the page did that it should not: script errors, CSP refusals, and any request that
 * left the app's origin (the console makes no outside request).
 */
export function watchPage(page: Page, origin: string): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // 401/403/404 answers the console provokes on purpose (e.g. the wrong-token step).
    if (text.startsWith('Failed to load resource: the server responded with a status of 4')) {
      return;
    }
    problems.push(`console error: ${text}`);
  });
  const check = (url: string) => {
    if (url.startsWith('data:')) return;
    const ws = origin.replace(/^http/, 'ws');
    if (!url.startsWith(`${origin}/`) && !url.startsWith(`${ws}/`)) {
      problems.push(`outside request: ${url}`);
    }
  };
  page.on('request', (req) => check(req.url()));
  page.on('websocket', (ws) => check(ws.url()));
  return { problems };
}
