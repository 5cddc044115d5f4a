import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type WindowMode = 'ttl' | 'hold';
export type WindowCloseReason =
  'manual_close' | 'ttl_expired' | 'policy_applied' | 'startup_recovery';

/** A power window: optional modules woken for a bounded time. At most one is open. */
@Entity('power_windows')
@Index('uq_power_windows_one_open', ['state'], { unique: true, where: "state = 'open'" })
export class PowerWindowEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('simple-json')
  services: string[];

  @Column('text')
  mode: WindowMode;

  @Column('integer', { nullable: true })
  ttl_sec: number | null;

  @Column('text')
  reason: string;

  @Column('text')
  state: 'open' | 'closed';

  @Column('text')
  created_at: string;

  @Column('text', { nullable: true })
  deadline: string | null;

  @Column('simple-json')
  services_started: string[];

  @Column('text', { nullable: true })
  closed_at: string | null;

  @Column('text', { nullable: true })
  close_reason: WindowCloseReason | null;

  /** Free text an operator gave when closing (the close reason itself is one of four codes). */
  @Column('text', { nullable: true })
  close_note: string | null;

  @Column('simple-json', { nullable: true })
  services_stopped: string[] | null;

  @Column('text', { nullable: true })
  correlation_id: string | null;
}
