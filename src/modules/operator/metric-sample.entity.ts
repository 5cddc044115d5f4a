import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One stored figure of the metrics sampler (GET /operator/api/metrics). */
@Entity('metric_samples')
@Index('idx_metric_samples_name_at', ['name', 'at'])
@Index('idx_metric_samples_at', ['at'])
export class MetricSampleEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('text')
  name: string;

  /** The module the figure is about, when it is about one. */
  @Column('text', { nullable: true })
  module: string | null;

  @Column('real')
  value: number;

  @Column('text')
  at: string;
}
