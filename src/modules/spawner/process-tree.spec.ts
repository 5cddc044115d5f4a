import { spawn } from 'node:child_process';
import {
  isAlive,
  parseStat,
  procStartOf,
  readProcStat,
  runFamily,
  signalRun,
} from './process-tree';
import { RUN_MARKER_ENV } from './process-tree';

describe('parseStat', () => {
  it('reads pid, ppid, group, state and start time, whatever the command name holds', () => {
    const fields = ['S', '10', '42', '42', '0', '-1', '4194560'];
    const filler = Array.from({ length: 12 }, () => '0');
    const line = `123 (we (ird) name) ${[...fields, ...filler, '98765', '0'].join(' ')}\n`;
    expect(parseStat(line)).toEqual({
      pid: 123,
      ppid: 10,
      pgrp: 42,
      state: 'S',
      startTicks: 98765,
    });
  });

  it('reads this very process', () => {
    const self = readProcStat(process.pid)!;
    expect(self.pid).toBe(process.pid);
    expect(self.ppid).toBe(process.ppid);
    expect(procStartOf(process.pid)).toMatch(/:\d+$/);
  });
});

describe('runFamily and signalRun', () => {
  it('finds a grandchild that left the group through its marker, and kills both', async () => {
    const runId = `unit-${process.pid}-${Date.now()}`;
    // The child starts a grandchild in a new session (its own group), prints its pid and waits.
    const script =
      "const c=require('child_process').spawn('sleep',['30'],{detached:true,stdio:'ignore'});" +
      'console.log(c.pid);setInterval(()=>{},1000);';
    const child = spawn(process.execPath, ['-e', script], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [RUN_MARKER_ENV]: runId },
    });
    const grandchild = await new Promise<number>((resolve) =>
      child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const target = {
      runId,
      pgid: child.pid!,
      startTicks: readProcStat(child.pid!)!.startTicks,
      trustGroup: true,
    };
    try {
      const family = (await runFamily(target)).map((p) => p.pid).sort();
      expect(family).toEqual([child.pid!, grandchild].sort());
      expect(readProcStat(grandchild)!.pgrp).not.toBe(child.pid);
      await signalRun(target, 'SIGKILL');
      await exited;
      const deadline = Date.now() + 5000;
      while (isAlive(grandchild) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(isAlive(grandchild)).toBe(false);
    } finally {
      for (const pid of [child.pid!, grandchild]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  });

  it('leaves an untrusted group alone unless its processes carry the marker', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const target = {
        runId: 'someone-else',
        pgid: child.pid!,
        startTicks: null,
        trustGroup: false,
      };
      expect(await runFamily(target)).toEqual([]);
      expect(await signalRun(target, 'SIGKILL')).toEqual([]);
      expect(isAlive(child.pid!)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
