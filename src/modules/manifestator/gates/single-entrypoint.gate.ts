import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { failed, GateResult, ok, skipped } from './gate';

/** The TCP ports in LISTEN state in one /proc/net/tcp{,6} table whose socket inode is ours. */
export function listeningPortsIn(table: string, inodes: ReadonlySet<string>): number[] {
  const ports: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const [, local, , state] = cols;
    if (state !== '0A' || !inodes.has(cols[9])) continue; // 0A = TCP_LISTEN
    const port = parseInt(local.split(':').pop() ?? '', 16);
    if (Number.isInteger(port)) ports.push(port);
  }
  return ports;
}

/** Socket inodes among a process's open file descriptors (`socket:[12345]` links). */
export function socketInodes(fdDir: string): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(fdDir)) {
    let target: string;
    try {
      target = readlinkSync(join(fdDir, fd));
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]);
  }
  return inodes;
}

/** Distinct TCP ports this process listens on, from /proc (Linux). */
export function ownListeningPorts(procRoot = '/proc'): number[] {
  const inodes = socketInodes(join(procRoot, 'self', 'fd'));
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(join(procRoot, 'net', table), 'utf8');
    } catch {
      continue; // no IPv6 table, for instance
    }
    for (const port of listeningPortsIn(text, inodes)) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * single_entrypoint: the process listens on exactly one TCP port, and it is the HTTP server's
 * (the sockets the process holds open, matched against the kernel's LISTEN table).
 */
export function singleEntrypoint(httpPort: number | null, procRoot = '/proc'): GateResult {
  let ports: number[];
  try {
    ports = ownListeningPorts(procRoot);
  } catch (err) {
    return skipped(`cannot read ${procRoot} (not Linux?): ${(err as Error).message}`);
  }
  const evidence = {
    listening_ports: ports,
    http_port: httpPort,
    source: `${procRoot}/net/tcp{,6}`,
  };
  if (ports.length !== 1) {
    return failed(
      ports.length === 0
        ? 'the process listens on no TCP port'
        : `the process listens on ${ports.length} TCP ports: ${ports.join(', ')}`,
      evidence,
    );
  }
  if (httpPort !== null && ports[0] !== httpPort) {
    return failed(
      `the one listening port ${ports[0]} is not the HTTP server's ${httpPort}`,
      evidence,
    );
  }
  return ok(evidence);
}
