import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR } from './child-app';

export const CLI_JS = join(PROJECT_DIR, 'dist', 'src', 'cli', 'vx11.js');

export function assertCliBuilt(): void {
  if (!existsSync(CLI_JS)) {
    throw new Error(`${CLI_JS} is missing: run \`npm run build\` first (\`npm test\` does it).`);
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/cli/vx11.js …args` as a child process with exactly `env`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_JS, ...args],
      { cwd: PROJECT_DIR, env, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
