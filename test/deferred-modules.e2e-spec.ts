import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertBuilt, PROJECT_DIR } from './support/child-app';

const DEFER_JS = join(PROJECT_DIR, 'dist', 'src', 'core', 'memory', 'defer-unused-modules.js');

/**
 * Runs in a plain Node process (jest's module registry is not Node's: the stand-ins live in
 * Node's require cache): loads the build's deferral as main.ts does, then TypeORM on SQLite,
 * class-validator and Fastify, and reports which deferred modules are still stand-ins at each step.
 */
const PROBE = `
const { types } = require('node:util');
const { deferModules, DEFERRED_MODULES, resolveDeferred } = require(${JSON.stringify(DEFER_JS)});
const files = deferModules(DEFERRED_MODULES); // main.ts's import already deferred them: none new
const deferred = DEFERRED_MODULES.map(resolveDeferred);
const standIns = () => deferred.filter((f) => require.cache[f] && types.isProxy(require.cache[f].exports)).length;
(async () => {
  const report = { again: files.length, total: deferred.length, atStart: standIns() };
  const { DataSource } = require('typeorm');
  const db = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  await db.initialize();
  report.sqlite = await db.query('SELECT 40 + 2 AS answer');
  await db.destroy();
  const { validate, IsString, isPhoneNumber } = require('class-validator');
  class Body { constructor(text) { this.text = text; } }
  IsString()(Body.prototype, 'text');
  report.errors = (await validate(new Body(7))).map((e) => Object.keys(e.constraints));
  const app = require('fastify')();
  app.get('/plain', async () => ({ ok: true }));
  await app.ready();
  report.plain = (await app.inject('/plain')).body;
  report.afterUse = standIns();
  report.phone = isPhoneNumber('+14155552671'); // class-validator's first real use of libphonenumber-js
  report.mysql = require('typeorm/driver/mysql/MysqlDriver').MysqlDriver.name;
  const typed = require('fastify')(); // a response schema: Fastify compiles its serializer
  const schema = { response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } } };
  typed.get('/typed', { schema }, async () => ({ n: '7', extra: true }));
  await typed.ready();
  report.typed = (await typed.inject('/typed')).body;
  report.atEnd = standIns();
  console.log(JSON.stringify(report));
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('dependency modules an idle VX11 never runs are loaded on first use (core/memory)', () => {
  it('TypeORM on SQLite, class-validator and Fastify work without them; using one loads it', async () => {
    assertBuilt();
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', DEFER_JS, '-e', PROBE], {
      cwd: PROJECT_DIR,
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report.again).toBe(0);
    expect(report.total).toBeGreaterThan(10);
    expect(report.atStart).toBe(report.total);
    expect(report.sqlite).toEqual([{ answer: 42 }]);
    expect(report.errors).toEqual([['isString']]);
    expect(report.plain).toBe('{"ok":true}');
    expect(report.afterUse).toBe(report.total); // none of them was needed for that
    expect(report.phone).toBe(true);
    expect(report.mysql).toBe('MysqlDriver');
    expect(report.typed).toBe('{"n":7}');
    expect(report.atEnd).toBe((report.total as number) - 3); // the three used are real now
  });
});
