import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One ant scan as it ended: its findings and what it did to incidents. The newest runs are kept
 * (a bounded tail) so GET /hormiguero/status shows each ant's last run across restarts.
 */
@Entity('hormiguero_ant_runs')
@Index('idx_hormiguero_ant_runs_ant_started', ['ant', 'started_at'])
@Index('idx_hormiguero_ant_runs_started', ['started_at'])
export class AntRunEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  ant: string;

  /** `queue`, `local` or `manual`. */
  @Column('text')
  trigger: string;

  @Column('text')
  started_at: string;

  @Column('text')
  finished_at: string;

  @Column('integer')
  duration_ms: number;

  @Column('boolean')
  ok: boolean;

  @Column('text', { nullable: true })
  error: string | null;

  /** The findings (JSON array). */
  @Column('text')
  findings: string;

  /** Incidents raised, opened, resolved and escalations (JSON). */
  @Column('text')
  incidents: string;
}
