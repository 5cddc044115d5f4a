import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPortsIn, ownListeningPorts, singleEntrypoint } from './single-entrypoint.gate';

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (local: string, state: string, inode: string) =>
  `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

describe('single_entrypoint', () => {
  let proc: string;
  /** A fake /proc: our fds point at the given socket inodes; tcp/tcp6 hold the given rows. */
  const fakeProc = (inodes: string[], tcp: string[], tcp6: string[] = []) => {
    proc = mkdtempSync(join(tmpdir(), 'vx11-proc-'));
    mkdirSync(join(proc, 'self', 'fd'), { recursive: true });
    mkdirSync(join(proc, 'net'));
    inodes.forEach((ino, i) =>
      symlinkSync(`socket:[${ino}]`, join(proc, 'self', 'fd', String(10 + i))),
    );
    symlinkSync('/dev/null', join(proc, 'self', 'fd', '0'));
    writeFileSync(join(proc, 'net', 'tcp'), [HEADER, ...tcp].join('\n'));
    writeFileSync(join(proc, 'net', 'tcp6'), [HEADER, ...tcp6].join('\n'));
    return proc;
  };
  afterEach(() => proc && rmSync(proc, { recursive: true, force: true }));

  it('reads LISTEN rows (state 0A) of our own socket inodes only, port in hex', () => {
    const table = [
      HEADER,
      row('0100007F:1F40', '0A', '111'), // 127.0.0.1:8000 LISTEN, ours
      row('0100007F:1F41', '0A', '999'), // someone else's
      row('0100007F:C350', '01', '112'), // ours, ESTABLISHED
    ].join('\n');
    expect(listeningPortsIn(table, new Set(['111', '112']))).toEqual([8000]);
  });

  it('passes with exactly one listening port, the HTTP server’s', () => {
    fakeProc(
      ['111', '112'],
      [row('0100007F:1F40', '0A', '111'), row('0100007F:C350', '01', '112')],
    );
    expect(ownListeningPorts(proc)).toEqual([8000]);
    expect(singleEntrypoint(8000, proc)).toMatchObject({
      status: 'ok',
      evidence: { listening_ports: [8000], http_port: 8000 },
    });
  });

  it('fails naming the ports when the process listens on two', () => {
    fakeProc(
      ['111', '113'],
      [row('0100007F:1F40', '0A', '111')],
      [row('00000000000000000000000000000000:1F4A', '0A', '113')],
    );
    expect(singleEntrypoint(8000, proc)).toMatchObject({
      status: 'failed',
      reason: 'the process listens on 2 TCP ports: 8000, 8010',
    });
  });

  it('fails when the one port is not the HTTP server’s, or when there is none', () => {
    fakeProc(['111'], [row('0100007F:1F41', '0A', '111')]);
    expect(singleEntrypoint(8000, proc).reason).toMatch(/8001 is not the HTTP server's 8000/);
    rmSync(proc, { recursive: true, force: true });
    fakeProc([], []);
    expect(singleEntrypoint(8000, proc)).toMatchObject({
      status: 'failed',
      reason: 'the process listens on no TCP port',
    });
  });

  it('is skipped, saying why, where /proc cannot be read', () => {
    expect(singleEntrypoint(8000, '/nonexistent-proc')).toMatchObject({ status: 'skipped' });
  });
});
