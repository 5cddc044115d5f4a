import Database from 'better-sqlite3';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN_FILE_NAME } from '../core/auth/token-file';
import { AppConfig } from '../core/config/app-config';
import { BUSY_TIMEOUT_MS } from '../core/database/data-source-options';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../core/database/file-modes';
import { formatHumanLine, HumanLogName } from '../core/logging/human-log.service';
import { DataPaths, dataPaths } from '../modules/madre/maintenance/data-paths';

/** A command failed in a way the operator can act on: print the message, exit with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface CliContext {
  config: AppConfig;
  paths: DataPaths;
  out: (line?: string) => void;
}

export function cliContext(config: AppConfig, out = (line = '') => console.log(line)): CliContext {
  return { config, paths: dataPaths(config.dataDir), out };
}

/** Refuses when there is no database (a wrong VX11_DATA_DIR): nothing gets created then. */
export function requireDatabase(ctx: CliContext): void {
  if (!existsSync(ctx.paths.dbFile)) {
    throw new CliError(`No database at ${ctx.paths.dbFile} (is VX11_DATA_DIR right?)`);
  }
}

/** The live database, for checks and online backups; never created by the CLI. */
export function openDatabase(ctx: CliContext, options: { readonly?: boolean } = {}) {
  requireDatabase(ctx);
  const db = new Database(ctx.paths.dbFile, {
    fileMustExist: true,
    readonly: options.readonly ?? false,
  });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** Appends to the same human logs the server writes (`[ISO] EVENT: message`). */
export function humanLog(ctx: CliContext, name: HumanLogName, event: string, message: string) {
  try {
    const file = join(ctx.config.logsDir, `${name}.log`);
    ensurePrivateDir(ctx.config.logsDir);
    makePrivate(file);
    appendFileSync(file, formatHumanLine(event, message), { mode: PRIVATE_FILE_MODE });
  } catch {
    /* the command's own output still tells the operator */
  }
}

/** The operator token for calls to a running server: VX11_TOKEN, else the token file. */
export function operatorToken(ctx: CliContext): string | undefined {
  if (ctx.config.authMode === 'off') return undefined;
  if (ctx.config.token) return ctx.config.token;
  const file = join(ctx.config.dataDir, TOKEN_FILE_NAME);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
