import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataDirInUseError,
  dataDirHolderFile,
  dataDirLockFile,
  dataDirState,
  holdDataDir,
  readDataDirHolder,
} from './data-dir-lock';

const mode = (path: string) => statSync(path).mode & 0o777;

/**
 * Another process holding the data dir the way holdDataDir does (BEGIN EXCLUSIVE on vx11.lock,
 * then vx11.pid): it prints "held" once it has the lock and keeps it until killed.
 */
function holderProcess(dataDir: string): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const { writeFileSync } = require('node:fs');
    const db = new Database(${JSON.stringify(dataDirLockFile(dataDir))});
    db.exec('BEGIN EXCLUSIVE');
    writeFileSync(${JSON.stringify(dataDirHolderFile(dataDir))}, JSON.stringify({
      pid: process.pid, role: 'server', started_at: new Date().toISOString(), port: 4321 }));
    console.log('held');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
}

describe('data dir lock', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-lock-'));
    dataDir = join(dir, 'data');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is shared within a process, recorded in vx11.pid and let go with the last hold', () => {
    const main = holdDataDir(dataDir, { role: 'server', host: '127.0.0.1', port: 8000 });
    const app = holdDataDir(dataDir, { role: 'server' });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(dataDirLockFile(dataDir))).toBe(0o600);
    expect(mode(dataDirHolderFile(dataDir))).toBe(0o600);
    expect(readDataDirHolder(dataDir)).toMatchObject({ pid: process.pid, role: 'server' });
    expect(dataDirState(dataDir).state).toBe('held-here');

    app.release();
    app.release(); // idempotent: the main hold still counts
    expect(dataDirState(dataDir).state).toBe('held-here');
    main.release();
    expect(dataDirState(dataDir)).toEqual({ state: 'free' });
    expect(existsSync(dataDirHolderFile(dataDir))).toBe(false);
    expect(existsSync(dataDirLockFile(dataDir))).toBe(true); // never deleted
  });

  it('refuses while another process holds it, and is free once that process is killed -9', async () => {
    holdDataDir(dataDir, { role: 'restore' }).release(); // creates the dir and lock file
    const other = await holderProcess(dataDir);
    try {
      const pidFileBefore = readFileSync(dataDirHolderFile(dataDir), 'utf8');
      expect(dataDirState(dataDir)).toMatchObject({
        state: 'held',
        holder: { pid: other.pid, role: 'server' },
      });
      let refusal: unknown;
      try {
        holdDataDir(dataDir, { role: 'restore' });
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(DataDirInUseError);
      expect((refusal as Error).message).toContain(
        `is in use by a VX11 server (pid ${other.pid}, started `,
      );
      // the refused attempt left the holder's information alone
      expect(readFileSync(dataDirHolderFile(dataDir), 'utf8')).toBe(pidFileBefore);
    } finally {
      const gone = new Promise((resolve) => other.once('exit', resolve));
      other.kill('SIGKILL');
      await gone;
    }
    expect(dataDirState(dataDir).state).toBe('free'); // vx11.pid is stale, the lock is gone
    const hold = holdDataDir(dataDir, { role: 'restore' });
    expect(readDataDirHolder(dataDir)).toMatchObject({ pid: process.pid, role: 'restore' });
    hold.release();
  });
});
