import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where the kept ledger chain starts once retention has removed older rows: one row (id 1)
 * holding the id and hash of the last removed row, so verification still links the first kept
 * row to something. Updated in the same transaction as each deletion.
 */
@Entity('ledger_anchor')
export class LedgerAnchorEntity {
  @PrimaryColumn('integer')
  id: number;

  @Column('integer')
  after_id: number;

  @Column('text')
  hash: string;

  /** Rows removed by retention since the ledger began. */
  @Column('integer')
  pruned_total: number;

  @Column('text')
  updated_at: string;
}
