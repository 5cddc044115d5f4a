import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Tokens and calls per provider per UTC day: the daily budget is checked against this. */
@Entity('provider_usage')
export class ProviderUsageEntity {
  @PrimaryColumn('text')
  provider: string;

  /** UTC day, YYYY-MM-DD. */
  @PrimaryColumn('text')
  day: string;

  @Column('integer', { default: 0 })
  tokens_used: number;

  @Column('integer', { default: 0 })
  requests: number;

  @Column('integer', { default: 0 })
  failures: number;
}
