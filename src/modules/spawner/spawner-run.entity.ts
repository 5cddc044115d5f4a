import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const RUN_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'timeout',
  'killed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'timeout', 'killed'];

/** Why a run's processes were signalled (ttl_expired ends as `timeout`, the rest as `killed`). */
export const KILL_REASONS = [
  'ttl_expired',
  'operator_kill',
  'window_closed',
  'server_shutdown',
  'process_restarted',
] as const;
export type KillReason = (typeof KILL_REASONS)[number];

export type RunSource = 'api' | 'code_alias' | 'intent';

/** What prlimit applied to a run, or why nothing was. */
export interface AppliedLimits {
  applied: boolean;
  cpu_sec?: number;
  address_space_bytes?: number;
  file_size_bytes?: number;
  note?: string;
}

/** One spawner run (CONTRACT §8), kept after it ends with its capped output. */
@Entity('spawner_runs')
@Index('idx_spawner_runs_created', ['created_at'])
@Index('idx_spawner_runs_status_created', ['status', 'created_at'])
export class SpawnerRunEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text', { nullable: true })
  name: string | null;

  /** The allowlisted short name the request used. */
  @Column('text')
  program: string;

  /** The absolute path it stood for when the run started. */
  @Column('text')
  executable: string;

  @Column('simple-json')
  args: string[];

  @Column('text')
  cwd: string;

  /** Names of the variables the request set (values are not kept). */
  @Column('simple-json')
  env_keys: string[];

  @Column('integer')
  stdin_bytes: number;

  @Column('integer')
  ttl_sec: number;

  @Column('text')
  source: RunSource;

  @Column('text')
  status: RunStatus;

  @Column('text', { nullable: true })
  kill_reason: KillReason | null;

  /** Why the run could not start or did not end normally, in words. */
  @Column('text', { nullable: true })
  error: string | null;

  /** Also the run's process group id (each run leads its own group). */
  @Column('integer', { nullable: true })
  pid: number | null;

  /** `<boot id>:<start time in clock ticks>` of the pid, to tell it from a reused pid later. */
  @Column('text', { nullable: true })
  proc_start: string | null;

  @Column('simple-json', { nullable: true })
  limits: AppliedLimits | null;

  @Column('integer', { nullable: true })
  exit_code: number | null;

  @Column('text', { nullable: true })
  signal: string | null;

  @Column('text')
  created_at: string;

  @Column('text', { nullable: true })
  started_at: string | null;

  @Column('text', { nullable: true })
  deadline: string | null;

  @Column('text', { nullable: true })
  finished_at: string | null;

  @Column('integer', { nullable: true })
  duration_ms: number | null;

  /** Up to the configured cap; the byte counts say how much the program really wrote. */
  @Column('text')
  stdout: string;

  @Column('text')
  stderr: string;

  @Column('integer')
  stdout_bytes: number;

  @Column('integer')
  stderr_bytes: number;

  @Column('boolean')
  stdout_truncated: boolean;

  @Column('boolean')
  stderr_truncated: boolean;

  @Column('text', { nullable: true })
  correlation_id: string | null;
}
