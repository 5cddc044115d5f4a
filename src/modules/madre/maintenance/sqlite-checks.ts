import type Database from 'better-sqlite3';

/** Most problem lines kept from a check; a broken file can report thousands. */
const MAX_MESSAGES = 50;

export interface PragmaCheck {
  ok: boolean;
  /** `["ok"]`, or the problems SQLite found. */
  messages: string[];
}

export interface ForeignKeyCheck {
  ok: boolean;
  violations: number;
  sample: Array<{ table: string; rowid: number | null; parent: string; fkid: number }>;
}

function pragmaLines(db: Database.Database, pragma: string): string[] {
  const rows = db.pragma(`${pragma}(${MAX_MESSAGES})`) as Array<Record<string, unknown>>;
  return rows.map((row) => String(Object.values(row)[0]));
}

/** PRAGMA quick_check: the cheap structural check (no index/content cross-check). */
export function quickCheck(db: Database.Database): PragmaCheck {
  const messages = pragmaLines(db, 'quick_check');
  return { ok: messages.length === 1 && messages[0] === 'ok', messages };
}

/** PRAGMA integrity_check: the full check, indexes included. */
export function integrityCheck(db: Database.Database): PragmaCheck {
  const messages = pragmaLines(db, 'integrity_check');
  return { ok: messages.length === 1 && messages[0] === 'ok', messages };
}

/** PRAGMA foreign_key_check: rows pointing at a parent that does not exist. */
export function foreignKeyCheck(db: Database.Database): ForeignKeyCheck {
  const rows = db.pragma('foreign_key_check') as Array<{
    table: string;
    rowid: number | null;
    parent: string;
    fkid: number;
  }>;
  return { ok: rows.length === 0, violations: rows.length, sample: rows.slice(0, MAX_MESSAGES) };
}

export function tableExists(db: Database.Database, table: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
    undefined
  );
}

/** Double-quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
