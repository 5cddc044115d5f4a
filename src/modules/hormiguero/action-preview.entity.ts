import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A previewed hormiguero action: what it would change, and the hash of the single-use approval
 * token that lets it be applied once before `expires_at`. Applying records who and when.
 */
@Entity('hormiguero_action_previews')
@Index('idx_hormiguero_action_previews_created', ['created_at'])
export class ActionPreviewEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  action: string;

  /** The request's params (JSON). */
  @Column('text')
  params: string;

  /** Exactly what would change (JSON): files, bytes, rows. */
  @Column('text')
  plan: string;

  /** sha256 (hex) of the approval token; the token itself is never stored. */
  @Column('text')
  token_sha256: string;

  @Column('text')
  created_at: string;

  @Column('text')
  expires_at: string;

  @Column('text', { nullable: true })
  applied_at: string | null;

  /** Who applied it: the approver named in the request and the client address. */
  @Column('text', { nullable: true })
  applied_by: string | null;

  /** What applying did (JSON). */
  @Column('text', { nullable: true })
  result: string | null;

  @Column('text', { nullable: true })
  correlation_id: string | null;
}
