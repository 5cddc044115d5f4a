#!/usr/bin/env node
// The release test (issue 19): builds release/vx11-linux-x64 with `npm run release`, copies the
// binary ALONE into an empty temp dir (no node_modules, no source, no config/) and, from there,
// with a clean environment:
//   - starts it with a temp data dir; GET /health, the console page, a migration-created table,
//     a chat (no provider: the local degraded answer), `vx11-linux-x64 backup` and `status`
//   - SIGTERM: exit 0
// and prints the binary's size and its start time (spawn → first 200 from /health).
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379), like the e2e tests.
// Options: --no-build (use the dist/ that is there), --binary <file> (skip the release build).
const { spawn, execFile } = require('node:child_process');
const {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} = require('node:fs');
const { request } = require('node:http');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const TOKEN = 'release-test-token-0123456789abcdef';
const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 30000;

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
  if (!ok) failures += 1;
  return ok;
}

function http(port, method, path, body) {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        timeout: 15000,
        headers: {
          'x-vx11-token': TOKEN,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', fail);
    req.end(payload);
  });
}

const json = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

function run(binary, args, env, cwd) {
  return new Promise((done) => {
    execFile(binary, args, { env, cwd, timeout: 60000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function clearQueueKeys(redisUrl, prefix) {
  let Redis;
  try {
    Redis = require('ioredis');
  } catch {
    return;
  }
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* best effort */
  } finally {
    client.disconnect();
  }
}

/** Tables the migrations made, read straight from the database file (WAL: safe while it runs). */
function migratedTables(dbFile) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => r.name);
    const applied = db.prepare('SELECT count(*) AS n FROM migrations').get().n;
    return { tables, applied };
  } finally {
    db.close();
  }
}

async function main(argv) {
  const binaryIndex = argv.indexOf('--binary');
  let built;
  if (binaryIndex >= 0) {
    built = resolve(argv[binaryIndex + 1]);
  } else {
    const t0 = Date.now();
    built = await require('./release').main(argv.includes('--no-build') ? ['--no-build'] : []);
    console.log(`release built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const sizeMiB = statSync(built).size / 1024 / 1024;

  const dir = mkdtempSync(join(tmpdir(), 'vx11-release-test-'));
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  const binary = join(binDir, 'vx11-linux-x64');
  copyFileSync(built, binary);
  chmodSync(binary, 0o755);
  check(readdirSync(binDir).length === 1, 'the binary is alone in its directory');

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `rel${process.pid}x${Date.now().toString(36)}`;
  // nothing inherited but PATH: no NODE_OPTIONS, no VX11_* of the developer's shell
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: dir,
    VX11_HOST: '127.0.0.1',
    VX11_PORT: '0',
    VX11_DATA_DIR: join(dir, 'data'),
    VX11_LOGS_DIR: join(dir, 'logs'),
    VX11_TOKEN: TOKEN,
    VX11_LOG_LEVEL: 'warn',
    VX11_QUEUE_PREFIX: prefix,
    REDIS_URL: redisUrl,
  };

  const started = Date.now();
  const child = spawn(binary, [], { cwd: binDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((done) =>
    child.once('close', (code, signal) => done({ code, signal })),
  );
  let exit;
  void exited.then((how) => (exit = how));

  try {
    // the port it took, from its "listening" line
    let port;
    while (!port) {
      const m = stderr.match(/"msg":"VX11 listening on http:\/\/[^"]+","port":(\d+)/);
      if (m) port = Number(m[1]);
      else if (exit) throw new Error(`the binary exited (${JSON.stringify(exit)}):\n${stderr}`);
      else if (Date.now() - started > START_TIMEOUT_MS)
        throw new Error(`no listening line in ${START_TIMEOUT_MS} ms:\n${stderr}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
    let health;
    for (;;) {
      health = await http(port, 'GET', '/health').catch(() => undefined);
      if (health?.status === 200 || Date.now() - started > START_TIMEOUT_MS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const startMs = Date.now() - started;
    check(health?.status === 200, 'GET /health answers 200', health && health.text.slice(0, 300));

    const page = await http(port, 'GET', '/operator/ui/');
    check(
      page.status === 200 &&
        /<html/i.test(page.text) &&
        /text\/html/.test(page.headers['content-type']),
      'GET /operator/ui/ serves the console page',
      `${page.status} ${page.text.slice(0, 200)}`,
    );
    const script = await http(port, 'GET', '/operator/ui/app.js');
    check(script.status === 200 && script.text.length > 100, 'the console script is served');
    const docs = await http(port, 'GET', '/docs/');
    check(docs.status === 200 && /swagger/i.test(docs.text), 'GET /docs/ serves Swagger UI');

    const dbFile = join(env.VX11_DATA_DIR, 'vx11.db');
    const { tables, applied } = migratedTables(dbFile);
    check(applied > 0, `migrations recorded (${applied})`);
    check(
      tables.includes('power_windows') && tables.includes('module_states'),
      `migration-created tables exist (${tables.length} tables)`,
      tables.join(', '),
    );

    const chat = await http(port, 'POST', '/operator/api/chat', { message: 'status' });
    const answer = json(chat.text);
    check(
      chat.status === 200 && answer?.fallback_source === 'local_llm_degraded' && answer.response,
      'a chat with no provider gets the local degraded answer',
      `${chat.status} ${chat.text.slice(0, 300)}`,
    );

    const backup = await run(binary, ['backup'], env, binDir);
    const backups = existsSync(join(env.VX11_DATA_DIR, 'backups'))
      ? readdirSync(join(env.VX11_DATA_DIR, 'backups')).filter((n) => /^vx11_.*\.db$/.test(n))
      : [];
    check(
      backup.code === 0 && backups.length === 1,
      '`vx11-linux-x64 backup` writes a verified backup',
      `exit ${backup.code}: ${backup.stderr || backup.stdout}`,
    );
    const status = await run(binary, ['status'], env, binDir);
    check(
      /running|pid/i.test(status.stdout),
      '`vx11-linux-x64 status` sees the server',
      `exit ${status.code}: ${status.stdout}${status.stderr}`,
    );
    const help = await run(binary, ['help'], env, binDir);
    check(help.code === 0 && /rollback/.test(help.stdout), '`vx11-linux-x64 help` lists commands');

    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const how = await exited;
    clearTimeout(timer);
    check(how.code === 0, 'SIGTERM: exit 0', JSON.stringify(how));

    // the stopped server's data dir: the commands that need it stopped
    const dbCheck = await run(binary, ['db-check'], env, binDir);
    check(dbCheck.code === 0, '`vx11-linux-x64 db-check` passes', dbCheck.stdout + dbCheck.stderr);
    const rollback = await run(binary, ['rollback'], env, binDir);
    check(
      rollback.code === 1 && /No pre-migration backup/.test(rollback.stderr),
      '`vx11-linux-x64 rollback` answers (nothing to roll back to on a new install)',
      `exit ${rollback.code}: ${rollback.stdout}${rollback.stderr}`,
    );

    console.log(`binary: ${sizeMiB.toFixed(1)} MiB; start (spawn → /health 200): ${startMs} ms`);
  } catch (err) {
    check(false, 'release test', err.stack ?? String(err));
  } finally {
    if (!exit) child.kill('SIGKILL');
    await clearQueueKeys(redisUrl, prefix);
    if (failures > 0) console.log(`server stderr (last 4000 chars):\n${stderr.slice(-4000)}`);
    rmSync(dir, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    console.log(code === 0 ? '[vx11 release test] passed' : '[vx11 release test] FAILED');
    process.exit(code);
  },
  (err) => {
    console.error(`[vx11 release test] failed: ${err.stack ?? err}`);
    process.exit(1);
  },
);
