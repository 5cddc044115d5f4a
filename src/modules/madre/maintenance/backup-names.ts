/** Backup file names: `vx11_YYYYMMDD_HHMMSS.db` (UTC), `-N` added when that second is taken. */
const NAME = /^vx11_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:-(\d+))?\.db$/;

export interface BackupName {
  name: string;
  at: Date;
  seq: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function backupStamp(at: Date): string {
  return (
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}_` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`
  );
}

export function backupName(at: Date, seq = 0): string {
  return `vx11_${backupStamp(at)}${seq > 0 ? `-${seq}` : ''}.db`;
}

export function parseBackupName(name: string): BackupName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (Number.isNaN(at.getTime()) || at.getUTCDate() !== d) return null;
  return { name, at, seq: m[7] ? Number(m[7]) : 0 };
}

/** Newest first: by time in the name, then by the same-second sequence number. */
export function newestFirst(a: BackupName, b: BackupName): number {
  return b.at.getTime() - a.at.getTime() || b.seq - a.seq;
}
