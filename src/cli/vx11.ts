#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from '../core/config/config-error';
import { loadConfig } from '../core/config/load-config';
import { restrictUmask } from '../core/database/file-modes';
import { cliContext, CliContext, CliError } from './cli-context';
import { backupCommand } from './commands/backup';
import { backupsCommand } from './commands/backups';
import { dbCheckCommand } from './commands/db-check';
import { maintenanceCommand } from './commands/maintenance';
import { mcpCommand } from './commands/mcp';
import { restoreCommand } from './commands/restore';
import { rollbackCommand } from './commands/rollback';
import { statusCommand } from './commands/status';

const USAGE = `usage: vx11 <command>   (npm run vx11 -- <command>)

  status               is the server running; database, backups, incidents
  db-check             quick_check, integrity_check, foreign_key_check (exit 1 on problems)
  backup               verified online backup into data/backups, then rotation
  backups              list kept and archived backups
  restore <file>       verify a backup and swap it in (the server must be stopped)
  rollback [--force]   put back the database from before the last upgrade's migrations
                       (newest pre-migrate backup; the server must be stopped)
  maintenance [--retention]
                       the full maintenance run (through the server when it runs)
  mcp [--url URL]      MCP over stdio, bridged to the running server's /mcp (for clients
                       that launch a command: Claude Desktop, VS Code); logs on stderr

Configuration comes from config/, VX11_CONFIG_FILE and the environment, like the server.`;

const COMMANDS: Record<string, (ctx: CliContext, args: string[]) => number | Promise<number>> = {
  status: (ctx) => statusCommand(ctx),
  'db-check': (ctx) => dbCheckCommand(ctx),
  backup: (ctx) => backupCommand(ctx),
  backups: (ctx) => backupsCommand(ctx),
  restore: (ctx, args) => restoreCommand(ctx, args[0]),
  rollback: (ctx, args) => rollbackCommand(ctx, args),
  maintenance: (ctx, args) => maintenanceCommand(ctx, args),
  mcp: (ctx, args) => mcpCommand(ctx, args),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`vx11: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  restrictUmask(); // backups, safety copies and logs it writes: owner-only
  try {
    return await command(cliContext(loadConfig()), args);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 78; // EX_CONFIG, like the server
    }
    if (err instanceof CliError) {
      console.error(`vx11 ${name}: ${err.message}`);
      return err.code;
    }
    console.error(`vx11 ${name} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(1),
);
