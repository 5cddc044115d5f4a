import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type MaintenanceStatus = 'queued' | 'running' | 'ok' | 'failed';
export type MaintenanceSource = 'api' | 'schedule' | 'cli';

/** One maintenance run, kept so GET .../jobs/:id answers after the queue forgot the job. */
@Entity('maintenance_runs')
@Index('idx_maintenance_runs_requested', ['requested_at'])
export class MaintenanceRunEntity {
  /** Also the BullMQ job id. */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  status: MaintenanceStatus;

  /** 0 when every step passed, 1 otherwise; null until the run ends. */
  @Column('integer', { nullable: true })
  returncode: number | null;

  @Column('text')
  source: MaintenanceSource;

  @Column('text')
  reason: string;

  @Column('boolean')
  apply_retention: boolean;

  @Column('text')
  requested_at: string;

  @Column('text', { nullable: true })
  started_at: string | null;

  @Column('text', { nullable: true })
  finished_at: string | null;

  /** Every step's outcome (JSON). */
  @Column('simple-json', { nullable: true })
  report: Record<string, object> | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text', { nullable: true })
  correlation_id: string | null;
}
