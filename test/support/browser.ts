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

/**
 * Cells whose content does not fit (cut off by an ellipsis or spilling into the next cell):
 * their text, so a failure says which. An operator must read every value without hovering.
 * (In-page code is passed as text: the test build has no DOM typings.)
 */
export function truncatedCells(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`(() => {
    const overflows = (x) => x.scrollWidth > x.clientWidth + 1;
    return [...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((cell) => cell.offsetParent !== null)
      .filter((cell) =>
        overflows(cell) ||
        [...cell.querySelectorAll('*')].some(
          (x) => overflows(x) && getComputedStyle(x).overflowX !== 'visible',
        ),
      )
      .map((cell) => (cell.textContent ?? '').trim().slice(0, 80));
  })()`);
}

/**
 * Topology edges drawn across a node: through the circle of a node the edge does not join, or
 * through any node's name or state label. Checked on the rendered SVG, point by point.
 */
export function edgesCrossingNodes(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const nodes = [...document.querySelectorAll('#topology g.node')].map((g) => {
      const c = g.querySelector('circle').getBoundingClientRect();
      const circle = { x: c.left + c.width / 2, y: c.top + c.height / 2, r: c.width / 2 };
      // the texts outside the circle: the node's name and state
      const labels = [...g.querySelectorAll('text')]
        .map((t) => t.getBoundingClientRect())
        .filter((b) => Math.hypot(b.left + b.width / 2 - circle.x, b.top + b.height / 2 - circle.y) > circle.r);
      return { id: g.dataset.node, circle, labels };
    });
    const problems = new Set();
    for (const path of document.querySelectorAll('#topology path.edge')) {
      const [from, to] = path.dataset.edge.split('>');
      const matrix = path.getScreenCTM();
      const length = path.getTotalLength();
      for (let l = 0; l <= length; l += 2) {
        const at = path.getPointAtLength(l);
        const p = new DOMPoint(at.x, at.y).matrixTransform(matrix);
        for (const node of nodes) {
          const joined = node.id === from || node.id === to;
          if (!joined && Math.hypot(p.x - node.circle.x, p.y - node.circle.y) < node.circle.r + 2) {
            problems.add(from + '>' + to + ' crosses the circle of ' + node.id);
          }
          for (const b of node.labels) {
            if (p.x > b.left + 1 && p.x < b.right - 1 && p.y > b.top + 1 && p.y < b.bottom - 1) {
              problems.add(from + '>' + to + ' crosses the label of ' + node.id);
            }
          }
        }
      }
    }
    return [...problems];
  })()`);
}

/** Cards whose content is wider than the card (a table running past its border). */
export function overflowingCards(page: Page, within: string): Promise<string[]> {
  return page.evaluate(`(() =>
    [...document.querySelectorAll(${JSON.stringify(within)} + ' .card')]
      .filter((card) => card.offsetParent !== null && card.scrollWidth > card.clientWidth + 1)
      .map((card) => (card.querySelector('h2')?.textContent ?? '?').trim())
  )()`);
}
