import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The forensic ledger (CONTRACT §6): every accepted event, append-only, each row chained to the
 * previous one by `hash = sha256(prev_hash + canonical JSON of the row)`. Written only by the
 * LedgerWriter; removed only by retention, oldest first, behind the ledger_anchor.
 */
@Entity('events')
@Index('uq_events_event_id', ['event_id'], { unique: true })
@Index('idx_events_type', ['type'])
export class EventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('text')
  event_id: string;

  @Column('text')
  type: string;

  @Column('text')
  source: string;

  @Column('text')
  severity: string;

  @Column('text', { nullable: true })
  correlation_id: string | null;

  @Column('boolean')
  canonical: boolean;

  /** The payload as canonical JSON text (the exact bytes the hash covers). */
  @Column('text')
  payload: string;

  /** When the event happened (the sender's clock, or ours if it gave none). */
  @Column('text')
  timestamp: string;

  /** When the ledger stored it (our clock); retention goes by this. */
  @Column('text')
  recorded_at: string;

  @Column('text')
  prev_hash: string;

  @Column('text')
  hash: string;
}
