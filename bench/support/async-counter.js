'use strict';

/**
 * Preload (`node --require bench/support/async-counter.js dist/src/main.js`) counting the async
 * resources VX11 creates (promises, ticks, timers, sockets…), by type. On SIGUSR2 it writes the
 * counts so far as JSON to $ASYNC_COUNT_FILE. For profiling only (bench/support/profile-chat.js):
 * on Node 20 every one of them costs the AsyncLocalStorage that carries correlation ids a
 * propagation step, so their number per chat is a cost of its own (bench/README.md).
 *
 * With ASYNC_SITES=1 each resource is counted by type and by where it was made: the innermost
 * frame of VX11's own code (`src/…:line`), else the package whose code made it, else `node`.
 * That captures a stack per resource (slow): counts only, never timings, in that mode.
 */

const { createHook } = require('node:async_hooks');
const { writeFileSync } = require('node:fs');

const BY_SITE = process.env.ASYNC_SITES === '1';
const STACK_DEPTH = 16;
const counts = new Map();

function site() {
  const holder = {};
  const depth = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_DEPTH;
  Error.captureStackTrace(holder, site);
  Error.stackTraceLimit = depth;
  const frames = holder.stack.split('\n').slice(2); // past "Error" and the init hook
  const own = frames.find((f) => /[/\\]src[/\\]/.test(f) && !f.includes('node_modules'));
  if (own) return /([/\\]src[/\\].*?:\d+):\d+\)?$/.exec(own)?.[1].slice(1) ?? own.trim();
  const dependency = frames.map((f) => /node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(f));
  return dependency.find(Boolean)?.[1] ?? 'node';
}

createHook({
  init(_asyncId, type) {
    const key = BY_SITE ? `${type}  ${site()}` : type;
    counts.set(key, (counts.get(key) || 0) + 1);
  },
}).enable();

process.on('SIGUSR2', () => {
  const file = process.env.ASYNC_COUNT_FILE;
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
});
