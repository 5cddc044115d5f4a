import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One module state transition, kept as history (CONTRACT §1: every transition is persisted). */
@Entity('power_events')
@Index('idx_power_events_module_at', ['module', 'at'])
export class PowerEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('text')
  module: string;

  @Column('text')
  from_state: string;

  @Column('text')
  to_state: string;

  @Column('text')
  reason: string;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text', { nullable: true })
  correlation_id: string | null;

  @Column('text')
  at: string;
}
