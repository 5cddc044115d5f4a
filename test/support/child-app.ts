import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root and the built entrypoint the process tests run. */
export const PROJECT_DIR = resolve(__dirname, '..', '..');
export const MAIN_JS = join(PROJECT_DIR, 'dist', 'src', 'main.js');
/** The node options VX11 is deployed with (plain Node in scripts/: required, not imported). */
export const { NODE_FLAGS } = require('../../scripts/node-flags') as {
  NODE_FLAGS: readonly string[];
};

/** Fails with instructions when the app has not been built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(
      `${MAIN_JS} is missing: run \`npm run build\` before the process e2e tests ` +
        '(`npm test` does it for you).',
    );
  }
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildApp {
  child: ChildProcess;
  /** The exact environment the process was started with. */
  env: NodeJS.ProcessEnv;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<ChildExit>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Resolves with the first match of `pattern` on stderr; rejects on exit or timeout. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Waits for the `VX11 listening on ...` line and returns the port it names. */
  waitForListening(timeoutMs?: number): Promise<number>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<ChildExit>;
}

/**
 * A clean environment for a child VX11 (nothing inherited but PATH/HOME, so a VX11_TOKEN in
 * the developer's shell cannot leak in). VX11_PORT=0 lets the OS pick a free port.
 */
export function childEnv(dir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    VX11_HOST: '127.0.0.1',
    VX11_PORT: '0',
    VX11_DATA_DIR: join(dir, 'data'),
    VX11_LOGS_DIR: join(dir, 'logs'),
    VX11_LOG_LEVEL: 'warn',
    VX11_QUEUE_PREFIX: `p${process.pid}x${Date.now().toString(36)}x${Math.floor(Math.random() * 1e6).toString(36)}`,
    VX11_SHUTDOWN_TIMEOUT_MS: '10000',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...overrides,
  };
}

const LISTENING = /"msg":"VX11 listening on http:\/\/[^"]+","port":(\d+)/;

/** Starts `node dist/src/main.js` as deployed (NODE_FLAGS) with exactly `env`. */
export function spawnApp(env: NodeJS.ProcessEnv): ChildApp {
  assertBuilt();
  return spawnNode([...NODE_FLAGS, MAIN_JS], env);
}

/** Starts `node <args>` in the project dir with exactly `env` (e.g. scripts/start.js). */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildApp {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let exit: ChildExit | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<ChildExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // let the pipes drain so stdout()/stderr() hold everything the process wrote
      let open = 2;
      const done = () => {
        open -= 1;
        if (open === 0) resolveExit(exit!);
      };
      if (child.stdout!.readableEnded) done();
      else child.stdout!.once('end', done);
      if (child.stderr!.readableEnded) done();
      else child.stderr!.once('end', done);
    });
  });

  const waitForStderr = (pattern: RegExp, timeoutMs = 15000) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      let settled = false;
      const finish = (match: RegExpMatchArray | null, why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.stderr!.off('data', check);
        if (match) resolveMatch(match);
        else reject(new Error(`${why}\nstderr:\n${err}\nstdout:\n${out.slice(-4000)}`));
      };
      const check = () => {
        const match = err.match(pattern);
        if (match) finish(match);
      };
      const timer = setTimeout(
        () => finish(null, `stderr did not match ${pattern} within ${timeoutMs} ms.`),
        timeoutMs,
      );
      child.stderr!.on('data', check);
      void exited.then((how) =>
        finish(
          err.match(pattern),
          `VX11 exited (${JSON.stringify(how)}) before stderr matched ${pattern}.`,
        ),
      );
      check();
    });

  return {
    child,
    env,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => exit !== undefined,
    waitForStderr,
    waitForListening: async (timeoutMs = 20000) =>
      Number((await waitForStderr(LISTENING, timeoutMs))[1]),
    stop: async (graceMs = 10000) => {
      if (exit) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Deletes every Redis key under a child's VX11_QUEUE_PREFIX (test runs share one Redis). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`unsafe queue prefix ${prefix}`);
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
