import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One module health check made by the monitor (CONTRACT §7); pruned per retentionDays. */
@Entity('health_history')
@Index('idx_health_history_module_checked', ['module', 'checked_at'])
@Index('idx_health_history_checked', ['checked_at'])
export class HealthHistoryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('text')
  module: string;

  @Column('boolean')
  ok: boolean;

  @Column('real')
  latency_ms: number;

  @Column('text')
  detail: string;

  @Column('text')
  checked_at: string;
}
