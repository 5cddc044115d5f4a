// Installs dependencies when node_modules is missing or older than package-lock.json.
// Only Node built-ins here: this runs before anything is installed.
const { execSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function ensureDeps() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('[vx11] installing dependencies (npm install)…');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

function run(cmd) {
  execSync(cmd, { cwd: root, stdio: 'inherit' });
}

module.exports = { ensureDeps, run, root };
