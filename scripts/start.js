// `npm start`: install if needed, build if sources changed, create data/ and logs/, check Redis,
// then run VX11. Migrations run inside the app at start, before it takes requests.
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync } = require('node:fs');
const { connect } = require('node:net');
const { join, resolve } = require('node:path');
const { buildIfStale } = require('./build-stamp');
const { ensureDeps, run, root } = require('./ensure-deps');
const { NODE_FLAGS } = require('./node-flags');

function redisAnswers(redisUrl) {
  return new Promise((done) => {
    let url;
    try {
      url = new URL(redisUrl);
    } catch {
      return done(false);
    }
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379), timeout: 1000 });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      // "-NOAUTH" still proves a Redis is there; the app authenticates with the URL's password.
      done(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
    socket.on('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.on('error', () => done(false));
  });
}

/**
 * Who holds the data dir's lock, or null: the probe of dataDirState in
 * src/core/database/data-dir-lock.ts (a read needs a shared lock; the holder's exclusive
 * SQLite lock on vx11.lock refuses it), written here because dist/ may not be built yet.
 * The app takes the lock itself; this only spares a rebuild under a running server.
 */
function dataDirHolder(dataDir) {
  const lockFile = join(dataDir, 'vx11.lock');
  if (!existsSync(lockFile)) return null;
  const Database = require('better-sqlite3');
  let db;
  try {
    db = new Database(lockFile, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return null;
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY') return null; // the app's own check will say what is wrong
    try {
      const h = JSON.parse(readFileSync(join(dataDir, 'vx11.pid'), 'utf8'));
      const what = h.role === 'server' ? 'a VX11 server' : `vx11 ${h.role}`;
      return `${what} (pid ${h.pid}, started ${h.started_at}${h.port ? `, port ${h.port}` : ''})`;
    } catch {
      return 'another process';
    }
  } finally {
    db?.close();
  }
}

async function main() {
  process.umask(0o077); // VX11 inherits it: its database, backups and logs are owner-only
  ensureDeps();
  const dataDir = resolve(root, process.env.VX11_DATA_DIR || 'data');
  const logsDir = resolve(root, process.env.VX11_LOGS_DIR || 'logs');
  const holder = dataDirHolder(dataDir);
  if (holder) {
    console.error(
      `[vx11] Refusing to start: ${dataDir} is in use by ${holder}. Stop it first, or give ` +
        'this server its own VX11_DATA_DIR.',
    );
    process.exit(1);
  }
  buildIfStale(() => run('npm run build --silent'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(logsDir, { recursive: true, mode: 0o700 });

  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!(await redisAnswers(redisUrl))) {
    const safeUrl = redisUrl.replace(/\/\/[^@]*@/, '//***@');
    console.warn(
      `[vx11] No Redis answers at ${safeUrl}. VX11 starts anyway in degraded mode (chat answers ` +
        'locally, queues wait) and reconnects when Redis appears.\n' +
        '[vx11] To get Redis: `sudo apt-get install redis-server` (Debian/Ubuntu), ' +
        '`brew install redis && brew services start redis` (macOS), or ' +
        '`docker run -d -p 6379:6379 redis:7`; or set REDIS_URL to an existing one.',
    );
  }

  const child = spawn(process.execPath, [...NODE_FLAGS, join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
