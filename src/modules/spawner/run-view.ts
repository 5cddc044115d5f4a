import { SpawnerRunEntity } from './spawner-run.entity';

/** A run as the API shows it; `stdout`/`stderr` only on the single-run view. */
export interface RunView {
  run_id: string;
  name: string | null;
  program: string;
  args: string[];
  cwd: string;
  env_keys: string[];
  status: SpawnerRunEntity['status'];
  kill_reason: SpawnerRunEntity['kill_reason'];
  error: string | null;
  pid: number | null;
  exit_code: number | null;
  signal: string | null;
  ttl_sec: number;
  created_at: string;
  started_at: string | null;
  deadline: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  limits: SpawnerRunEntity['limits'];
  source: SpawnerRunEntity['source'];
  correlation_id: string | null;
  stdout_bytes: number;
  stderr_bytes: number;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  stdout?: string;
  stderr?: string;
}

export function viewOfRun(row: SpawnerRunEntity, withOutput: boolean): RunView {
  const view: RunView = {
    run_id: row.id,
    name: row.name,
    program: row.program,
    args: row.args,
    cwd: row.cwd,
    env_keys: row.env_keys,
    status: row.status,
    kill_reason: row.kill_reason,
    error: row.error,
    pid: row.pid,
    exit_code: row.exit_code,
    signal: row.signal,
    ttl_sec: row.ttl_sec,
    created_at: row.created_at,
    started_at: row.started_at,
    deadline: row.deadline,
    finished_at: row.finished_at,
    duration_ms: row.duration_ms,
    limits: row.limits,
    source: row.source,
    correlation_id: row.correlation_id,
    stdout_bytes: row.stdout_bytes,
    stderr_bytes: row.stderr_bytes,
    stdout_truncated: Boolean(row.stdout_truncated),
    stderr_truncated: Boolean(row.stderr_truncated),
  };
  if (withOutput) {
    view.stdout = row.stdout;
    view.stderr = row.stderr;
  }
  return view;
}
