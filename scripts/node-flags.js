// The node options VX11 runs with, whichever way it is started: `npm start` (start.js), the
// process tests and the benches take them from here; package.json's start:prod, the Dockerfile
// and the systemd units in deploy/ spell them out (the single executable through NODE_OPTIONS),
// and test/node-flags.e2e-spec.ts checks that they match.
//
// --v8-pool-size=0: as many V8 helper threads (GC, compilation) as cores beyond the main one,
// chosen by Node, instead of its fixed 4. On a 2-core VPS that is one: each extra helper kept
// ~1.5 MB of freed memory in a malloc arena of its own (idle RSS 107 → 103 MB, bench/README.md
// item 26) and could not run in parallel with the other two threads anyway.
const NODE_FLAGS = Object.freeze(['--v8-pool-size=0']);

module.exports = { NODE_FLAGS };
