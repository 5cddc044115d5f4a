'use strict';

/* global fetch */

/**
 * Getting a bench's VX11 ready to chat: Redis reported up (VX11 listens before its Redis
 * connection is ready, and chat needs the switch queue), then a window opened on switch.
 */

const { HOST } = require('./child-server');
const { sleep } = require('./measure');

const READY_TIMEOUT_MS = 10_000;
const TOKEN_HEADER = 'x-vx11-token';

/** Waits (at most 10 s) until `GET /vx11/status` reports Redis up. */
async function waitForRedis(port, token) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`http://${HOST}:${port}/vx11/status`, {
      headers: { [TOKEN_HEADER]: token },
    });
    const report = await res.json().catch(() => undefined);
    if (report && report.redis && report.redis.status === 'up') return;
    if (Date.now() > deadline) throw new Error(`Redis is not up after ${READY_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

/** Opens an hour's window on switch; throws unless VX11 says switch started. */
async function openSwitchWindow(port, token, reason) {
  const res = await fetch(`http://${HOST}:${port}/madre/power/window/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
    body: JSON.stringify({ service: 'switch', ttl_sec: 3600, reason }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !(body.services_started || []).includes('switch')) {
    throw new Error(
      `could not open a window on switch: HTTP ${res.status} ${JSON.stringify(body)}`,
    );
  }
}

module.exports = { waitForRedis, openSwitchWindow };
