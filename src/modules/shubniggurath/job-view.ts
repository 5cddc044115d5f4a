import type { AudioAnalysis } from './dsp/audio-analyzer';
import { framesIn } from './dsp/audio-analyzer';
import type { MasteringAction } from './mastering-advice';
import { JobStatus, ShubJobEntity } from './shub-job.entity';

/** A job as the API shows it; `result` and `advice` only on the single-job view. */
export interface JobView {
  job_id: string;
  batch_id: string | null;
  status: JobStatus;
  /** Fraction of the file analysed (live while processing). */
  progress: number;
  file_name: string | null;
  file_bytes: number;
  audio: {
    encoding: 'pcm_int' | 'pcm_float';
    bits_per_sample: number;
    sample_rate: number;
    channels: number;
    duration_sec: number;
  };
  style: string | null;
  target_lufs: number;
  attempts: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  analysis_ms: number | null;
  correlation_id: string | null;
  /** Headline figures of a completed job (the list view's glance). */
  summary: {
    integrated_lufs: number | null;
    true_peak_dbtp: number | null;
    loudness_range_lu: number;
  } | null;
  result?: AudioAnalysis | null;
  advice?: MasteringAction[] | null;
}

export function viewOfJob(row: ShubJobEntity, progress: number, full: boolean): JobView {
  const wav = row.wav;
  const frames = framesIn(wav, row.file_bytes);
  const view: JobView = {
    job_id: row.id,
    batch_id: row.batch_id,
    status: row.status,
    progress: row.status === 'completed' ? 1 : Math.round(progress * 1000) / 1000,
    file_name: row.file_name,
    file_bytes: row.file_bytes,
    audio: {
      encoding: wav.encoding === 'int' ? 'pcm_int' : 'pcm_float',
      bits_per_sample: wav.bitsPerSample,
      sample_rate: wav.sampleRate,
      channels: wav.channels,
      duration_sec: Math.round((frames / wav.sampleRate) * 1000) / 1000,
    },
    style: row.style,
    target_lufs: row.target_lufs,
    attempts: row.attempts,
    error: row.error,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    analysis_ms: row.analysis_ms,
    correlation_id: row.correlation_id,
    summary: row.result
      ? {
          integrated_lufs: row.result.loudness.integrated_lufs,
          true_peak_dbtp: row.result.loudness.true_peak_dbtp,
          loudness_range_lu: row.result.loudness.loudness_range_lu,
        }
      : null,
  };
  if (full) {
    view.result = row.result;
    view.advice = row.advice;
  }
  return view;
}
