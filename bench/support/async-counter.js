'use strict';

/**
 * Preload (`node --require bench/support/async-counter.js dist/src/main.js`) counting the async
 * resources VX11 creates (promises, ticks, timers, sockets…), by type. On SIGUSR2 it writes the
 * counts so far as JSON to $ASYNC_COUNT_FILE. For profiling only (bench/support/profile-chat.js):
 * on Node 20 every one of them costs the AsyncLocalStorage that carries correlation ids a
 * propagation step, so their number per chat is a cost of its own (bench/README.md).
 */

const { createHook } = require('node:async_hooks');
const { writeFileSync } = require('node:fs');

const counts = new Map();
createHook({
  init(_asyncId, type) {
    counts.set(type, (counts.get(type) || 0) + 1);
  },
}).enable();

process.on('SIGUSR2', () => {
  const file = process.env.ASYNC_COUNT_FILE;
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
});
