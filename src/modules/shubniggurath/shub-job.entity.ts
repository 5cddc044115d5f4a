import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AudioAnalysis } from './dsp/audio-analyzer';
import type { WavFormat } from './dsp/wav-format';
import type { MasteringAction } from './mastering-advice';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** One analysis job: the upload it works on, then its figures and advice (kept after it ends). */
@Entity('shub_jobs')
@Index('idx_shub_jobs_status_created', ['status', 'created_at'])
@Index('idx_shub_jobs_batch', ['batch_id'])
export class ShubJobEntity {
  @PrimaryColumn('text')
  id: string;

  /** Set for the jobs of one POST /shub/batch. */
  @Column('text', { nullable: true })
  batch_id: string | null;

  @Column('text')
  status: JobStatus;

  /** The multipart file name, or the `name` query parameter of a raw upload. */
  @Column('text', { nullable: true })
  file_name: string | null;

  @Column('integer')
  file_bytes: number;

  /** The uploaded WAV under <dataDir>/shub/tmp; null once the job has ended and it is removed. */
  @Column('text', { nullable: true })
  temp_path: string | null;

  /** The header as read at upload (the worker analyses from it). */
  @Column('simple-json')
  wav: WavFormat;

  /** A named style (modern_pop, rock, electronic, acoustic) or null for a custom target. */
  @Column('text', { nullable: true })
  style: string | null;

  @Column('real')
  target_lufs: number;

  @Column('simple-json', { nullable: true })
  result: AudioAnalysis | null;

  @Column('simple-json', { nullable: true })
  advice: MasteringAction[] | null;

  /** Why the job failed or was cancelled, in words. */
  @Column('text', { nullable: true })
  error: string | null;

  /** How many times a worker started it (more than 1 after a deactivation or a restart). */
  @Column('integer')
  attempts: number;

  @Column('text')
  created_at: string;

  @Column('text', { nullable: true })
  started_at: string | null;

  @Column('text', { nullable: true })
  finished_at: string | null;

  /** Wall time of the analysis that finished the job. */
  @Column('integer', { nullable: true })
  analysis_ms: number | null;

  @Column('text', { nullable: true })
  correlation_id: string | null;
}
