// `npm start`: install if needed, build, create data/ and logs/, check Redis, then run VX11.
// Migrations run inside the app at start, before it takes requests.
const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { connect } = require('node:net');
const { join, resolve } = require('node:path');
const { ensureDeps, run, root } = require('./ensure-deps');

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

async function main() {
  ensureDeps();
  console.log('[vx11] building…');
  run('npm run build --silent');
  const dataDir = resolve(root, process.env.VX11_DATA_DIR || 'data');
  const logsDir = resolve(root, process.env.VX11_LOGS_DIR || 'logs');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });

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

  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
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
