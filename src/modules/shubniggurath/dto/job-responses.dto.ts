import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, JobStatus } from '../shub-job.entity';

const DB = { type: Number, nullable: true, description: 'dB; null for silence' } as const;
const ENCODINGS = ['pcm_int', 'pcm_float'];

export class JobAudioDto {
  @ApiProperty({ enum: ENCODINGS })
  encoding: string;

  @ApiProperty({ type: 'integer', example: 24 })
  bits_per_sample: number;

  @ApiProperty({ type: 'integer', example: 48000 })
  sample_rate: number;

  @ApiProperty({ type: 'integer', example: 2 })
  channels: number;

  @ApiProperty({ example: 183.42 })
  duration_sec: number;
}

export class JobSummaryDto {
  @ApiProperty({ ...DB, description: 'LUFS; null for silence' })
  integrated_lufs: number | null;

  @ApiProperty({ ...DB, description: 'dBTP; null for silence' })
  true_peak_dbtp: number | null;

  @ApiProperty({ description: 'LU' })
  loudness_range_lu: number;
}

export class AnalysisFormatDto extends JobAudioDto {
  @ApiProperty({ type: [String], example: ['L', 'R'] })
  channel_layout: string[];

  @ApiProperty({ type: 'integer' })
  frames: number;
}

export class AnalysisLoudnessDto {
  @ApiProperty(DB)
  integrated_lufs: number | null;

  @ApiProperty(DB)
  momentary_max_lufs: number | null;

  @ApiProperty(DB)
  short_term_max_lufs: number | null;

  @ApiProperty()
  loudness_range_lu: number;

  @ApiProperty(DB)
  true_peak_dbtp: number | null;

  @ApiProperty(DB)
  sample_peak_dbfs: number | null;

  @ApiProperty(DB)
  rms_dbfs: number | null;
}

export class AnalysisDynamicsDto {
  @ApiProperty({ ...DB, description: 'Sample peak over RMS, dB' })
  crest_factor_db: number | null;

  @ApiProperty({ ...DB, description: 'TT "DR", dB' })
  dynamic_range_db: number | null;

  @ApiProperty({ ...DB, description: 'True peak over integrated loudness (PLR), dB' })
  peak_to_loudness_ratio_db: number | null;
}

export class AnalysisDefectsDto {
  @ApiProperty({ type: 'integer' })
  clipped_samples: number;

  @ApiProperty({ type: 'integer' })
  clip_runs: number;

  @ApiProperty({ type: 'integer', description: 'Samples' })
  longest_clip_run: number;

  @ApiProperty({ description: 'Largest |DC offset| of any channel, fraction of full scale' })
  dc_offset_max: number;

  @ApiProperty(DB)
  noise_floor_dbfs: number | null;
}

export class AnalysisSpectrumDto {
  @ApiProperty({ type: Number, nullable: true })
  centroid_hz: number | null;

  @ApiProperty({ type: Number, nullable: true })
  rolloff_85_hz: number | null;

  @ApiProperty({ type: Number, nullable: true })
  flatness: number | null;
}

export class AnalysisChannelDto {
  @ApiProperty({ example: 'L' })
  label: string;

  @ApiProperty({ description: 'BS.1770 channel weight' })
  loudness_weight: number;

  @ApiProperty(DB)
  sample_peak_dbfs: number | null;

  @ApiProperty(DB)
  true_peak_dbtp: number | null;

  @ApiProperty(DB)
  rms_dbfs: number | null;

  @ApiProperty()
  dc_offset: number;

  @ApiProperty({ type: 'integer' })
  clipped_samples: number;

  @ApiProperty({ type: 'integer' })
  clip_runs: number;
}

/** The whole analysis of a completed job (BS.1770 loudness, true peak, levels, spectrum). */
export class AudioAnalysisDto {
  @ApiProperty({ type: AnalysisFormatDto })
  format: AnalysisFormatDto;

  @ApiProperty({ type: AnalysisLoudnessDto })
  loudness: AnalysisLoudnessDto;

  @ApiProperty({ type: AnalysisDynamicsDto })
  dynamics: AnalysisDynamicsDto;

  @ApiProperty({ type: AnalysisDefectsDto })
  defects: AnalysisDefectsDto;

  @ApiProperty({ type: AnalysisSpectrumDto })
  spectrum: AnalysisSpectrumDto;

  @ApiProperty({ type: [AnalysisChannelDto] })
  channels: AnalysisChannelDto[];
}

export class MasteringActionDto {
  @ApiProperty({ example: 'raise loudness' })
  action: string;

  @ApiProperty()
  reason: string;

  @ApiProperty()
  next_step: string;
}

/** A job as the list shows it. */
export class JobDto {
  @ApiProperty({ format: 'uuid' })
  job_id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  batch_id: string | null;

  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Fraction analysed (live)' })
  progress: number;

  @ApiProperty({ type: String, nullable: true, example: 'mix-v3.wav' })
  file_name: string | null;

  @ApiProperty({ type: 'integer' })
  file_bytes: number;

  @ApiProperty({ type: JobAudioDto })
  audio: JobAudioDto;

  @ApiProperty({ type: String, nullable: true, example: 'modern_pop' })
  style: string | null;

  @ApiProperty({ example: -14 })
  target_lufs: number;

  @ApiProperty({ type: 'integer' })
  attempts: number;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  analysis_ms: number | null;

  @ApiProperty({ type: String, nullable: true })
  correlation_id: string | null;

  @ApiProperty({ type: JobSummaryDto, nullable: true, description: 'Once completed' })
  summary: JobSummaryDto | null;
}

/** A job with its analysis and advice (single-job views). */
export class JobDetailDto extends JobDto {
  @ApiProperty({ type: AudioAnalysisDto, nullable: true, description: 'Once completed' })
  result: AudioAnalysisDto | null;

  @ApiProperty({ type: [MasteringActionDto], nullable: true, description: 'Once completed' })
  advice: MasteringActionDto[] | null;
}

/** GET /shub/jobs: newest first. */
export class JobListDto {
  @ApiProperty({ type: [JobDto] })
  jobs: JobDto[];

  @ApiProperty({ type: 'integer', description: 'Jobs matching the filter' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}

/** POST /shub/batch */
export class BatchDto {
  @ApiProperty({ format: 'uuid' })
  batch_id: string;

  @ApiProperty({ type: [JobDto], description: 'One queued job per file' })
  jobs: JobDto[];
}
