'use strict';

/**
 * Preload (`node --require bench/support/sql-counter.js dist/src/main.js`) counting every
 * SQLite statement VX11 runs through better-sqlite3: prepare, run/get/all/iterate per SQL
 * text, exec and pragma. On SIGUSR2 it writes the counts so far as JSON to $SQL_COUNT_FILE.
 * For profiling only (bench/support/profile-chat.js): the wrappers cost a little per call.
 */

const { writeFileSync } = require('node:fs');
const Database = require('better-sqlite3');

const counts = new Map();
const bump = (key) => counts.set(key, (counts.get(key) || 0) + 1);
const norm = (sql) => String(sql).replace(/\s+/g, ' ').trim().slice(0, 160);

const proto = Database.prototype;
const prepare = proto.prepare;
proto.prepare = function countedPrepare(sql, ...rest) {
  bump(`prepare ${norm(sql)}`);
  const stmt = prepare.call(this, sql, ...rest);
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = stmt[method];
    if (typeof original !== 'function') continue;
    stmt[method] = function counted(...args) {
      bump(`${method} ${norm(sql)}`);
      return original.apply(this, args);
    };
  }
  return stmt;
};
for (const method of ['exec', 'pragma']) {
  const original = proto[method];
  proto[method] = function counted(text, ...rest) {
    bump(`${method} ${norm(text)}`);
    return original.call(this, text, ...rest);
  };
}

// db.transaction(fn): BEGIN … COMMIT run natively, so count the calls of each variant; one
// called inside another transaction is a savepoint, not a commit of its own.
const transaction = proto.transaction;
proto.transaction = function countedTransaction(fn) {
  return countCommits(this, transaction.call(this, fn));
};

function countCommits(db, tx) {
  const counted = (variant, run) =>
    function countedRun(...args) {
      bump(
        db.inTransaction
          ? `transaction.${variant} nested (SAVEPOINT … RELEASE)`
          : `transaction.${variant} (BEGIN … COMMIT)`,
      );
      return run.apply(this, args);
    };
  const wrapped = counted('default', tx);
  for (const variant of ['deferred', 'immediate', 'exclusive']) {
    wrapped[variant] = counted(variant, tx[variant]);
  }
  wrapped.default = wrapped;
  return wrapped;
}

process.on('SIGUSR2', () => {
  const file = process.env.SQL_COUNT_FILE;
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
});
