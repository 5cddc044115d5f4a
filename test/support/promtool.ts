import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Prometheus' promtool (Debian's `prometheus` package; .ci/run installs it), or $PROMTOOL. */
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** Runs `promtool <args>` (with `input` on stdin): its exit status and everything it printed. */
export function promtool(
  args: string[],
  input?: string,
): { status: number | null; output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `${PROMTOOL} is missing: install Prometheus' tools (\`sudo apt-get install prometheus\`; ` +
        '.ci/run does) or point PROMTOOL at a promtool binary.',
    );
  }
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
