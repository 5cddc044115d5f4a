import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SpawnerLimitsConfig } from '../../core/config/app-config';
import { AppliedLimits } from './spawner-run.entity';

export const PRLIMIT_PATH = '/usr/bin/prlimit';

export interface LaunchPlan {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the program's stdin, which is then closed; none: stdin is /dev/null. */
  stdin?: string;
  limits: SpawnerLimitsConfig;
}

export interface Launched {
  child: ChildProcess;
  limits: AppliedLimits;
}

/** Whether prlimit(1) is there to apply resource limits. */
export function prlimitAvailable(path = PRLIMIT_PATH): boolean {
  return existsSync(path);
}

/**
 * The argv prefix that applies the configured limits: prlimit sets them on itself and then
 * execs the program, so the pid (and process group) stays the run's.
 */
export function limitsPrefix(
  limits: SpawnerLimitsConfig,
  available: boolean,
  prlimitPath = PRLIMIT_PATH,
): { prefix: string[]; report: AppliedLimits } {
  const wanted: Array<[string, keyof AppliedLimits, number | undefined]> = [
    ['--cpu', 'cpu_sec', limits.cpuSec],
    ['--as', 'address_space_bytes', limits.addressSpaceBytes],
    ['--fsize', 'file_size_bytes', limits.fileSizeBytes],
  ];
  const set = wanted.filter(([, , value]) => value !== undefined && value !== null);
  if (set.length === 0)
    return { prefix: [], report: { applied: false, note: 'no limits configured' } };
  const figures = Object.fromEntries(set.map(([, key, value]) => [key, value]));
  if (!available) {
    return {
      prefix: [],
      report: { applied: false, ...figures, note: `${prlimitPath} not found: limits not applied` },
    };
  }
  return {
    prefix: [prlimitPath, ...set.map(([flag, , value]) => `${flag}=${value}`), '--'],
    report: { applied: true, ...figures },
  };
}

/**
 * Starts the program with its arguments as argv — never through a shell — as the leader of a
 * new process group (detached), so the whole group can be signalled with kill(-pgid).
 */
export function launchRun(plan: LaunchPlan, prlimit: boolean): Launched {
  const { prefix, report } = limitsPrefix(plan.limits, prlimit);
  const argv = [...prefix, plan.executable, ...plan.args];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: plan.cwd,
    env: plan.env,
    shell: false,
    detached: true,
    stdio: [plan.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  if (plan.stdin !== undefined && child.stdin) {
    // A program that exits without reading its stdin closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(plan.stdin);
  }
  return { child, limits: report };
}
