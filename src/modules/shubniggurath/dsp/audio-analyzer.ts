import { open } from 'node:fs/promises';
import { LoudnessMeter } from './bs1770-loudness';
import { channelLayout, ChannelInfo } from './channel-layout';
import { LevelStats } from './level-stats';
import { frameDecoder, fullScaleOf } from './pcm-decoder';
import { SpectrumAnalyzer } from './spectrum';
import { TruePeakMeter } from './true-peak';
import { WavFormat } from './wav-format';

/** Everything the analysis reports about one file (JSON-ready: a level of −∞ is null). */
export interface AudioAnalysis {
  format: {
    encoding: 'pcm_int' | 'pcm_float';
    bits_per_sample: number;
    sample_rate: number;
    channels: number;
    channel_layout: string[];
    frames: number;
    duration_sec: number;
  };
  loudness: {
    integrated_lufs: number | null;
    momentary_max_lufs: number | null;
    short_term_max_lufs: number | null;
    loudness_range_lu: number;
    true_peak_dbtp: number | null;
    sample_peak_dbfs: number | null;
    rms_dbfs: number | null;
  };
  dynamics: {
    /** Sample peak over RMS, dB. */
    crest_factor_db: number | null;
    /** TT "DR" (see level-stats.ts). */
    dynamic_range_db: number | null;
    /** True peak over integrated loudness (PLR), dB. */
    peak_to_loudness_ratio_db: number | null;
  };
  defects: {
    clipped_samples: number;
    clip_runs: number;
    longest_clip_run: number;
    /** Largest |DC offset| of any channel, as a fraction of full scale. */
    dc_offset_max: number;
    noise_floor_dbfs: number | null;
  };
  spectrum: { centroid_hz: number | null; rolloff_85_hz: number | null; flatness: number | null };
  channels: Array<{
    label: string;
    loudness_weight: number;
    sample_peak_dbfs: number | null;
    true_peak_dbtp: number | null;
    rms_dbfs: number | null;
    dc_offset: number;
    clipped_samples: number;
    clip_runs: number;
  }>;
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
/** A level in dB rounded to 0.01, or null for silence (−∞). */
const db = (value: number): number | null => (Number.isFinite(value) ? round(value, 2) : null);
const amplitudeDb = (linear: number) => db(20 * Math.log10(linear));
const nullable = (value: number | null, digits: number) =>
  value === null ? null : round(value, digits);

/**
 * The whole analysis over planar blocks of audio: BS.1770 loudness, true peak, plain levels,
 * spectrum. Memory does not grow with the audio beyond one figure per 100 ms.
 */
export class AudioAnalyzer {
  readonly layout: ChannelInfo[];
  private readonly loudness: LoudnessMeter;
  private readonly truePeak: TruePeakMeter;
  private readonly levels: LevelStats;
  private readonly spectrum: SpectrumAnalyzer;
  private frames = 0;

  constructor(private readonly format: WavFormat) {
    this.layout = channelLayout(format.channels, format.channelMask);
    this.loudness = new LoudnessMeter(
      format.sampleRate,
      this.layout.map((c) => c.weight),
    );
    this.truePeak = new TruePeakMeter(format.channels);
    this.levels = new LevelStats(format.channels, format.sampleRate, fullScaleOf(format));
    this.spectrum = new SpectrumAnalyzer(format.sampleRate);
  }

  process(channels: readonly Float64Array[], frames: number): void {
    this.loudness.process(channels, frames);
    this.truePeak.process(channels, frames);
    this.levels.process(channels, frames);
    this.spectrum.process(channels, frames);
    this.frames += frames;
  }

  result(): AudioAnalysis {
    const loud = this.loudness.result();
    const levels = this.levels.result();
    const spectrum = this.spectrum.result();
    const truePeaks = this.truePeak.channelPeaks();
    const truePeak = Math.max(0, ...truePeaks);
    const truePeakDb = 20 * Math.log10(truePeak);
    const samplePeakDb = 20 * Math.log10(levels.samplePeak);
    const rmsDb = 20 * Math.log10(levels.rms);
    const f = this.format;
    return {
      format: {
        encoding: f.encoding === 'int' ? 'pcm_int' : 'pcm_float',
        bits_per_sample: f.bitsPerSample,
        sample_rate: f.sampleRate,
        channels: f.channels,
        channel_layout: this.layout.map((c) => c.label),
        frames: this.frames,
        duration_sec: round(this.frames / f.sampleRate, 3),
      },
      loudness: {
        integrated_lufs: db(loud.integratedLufs),
        momentary_max_lufs: db(loud.momentaryMaxLufs),
        short_term_max_lufs: db(loud.shortTermMaxLufs),
        loudness_range_lu: round(loud.loudnessRangeLu, 2),
        true_peak_dbtp: db(truePeakDb),
        sample_peak_dbfs: db(samplePeakDb),
        rms_dbfs: db(rmsDb),
      },
      dynamics: {
        crest_factor_db: db(samplePeakDb - rmsDb),
        dynamic_range_db: nullable(levels.dynamicRangeDb, 2),
        peak_to_loudness_ratio_db: db(truePeakDb - loud.integratedLufs),
      },
      defects: {
        clipped_samples: levels.channels.reduce((sum, c) => sum + c.clippedSamples, 0),
        clip_runs: levels.channels.reduce((sum, c) => sum + c.clipRuns, 0),
        longest_clip_run: Math.max(0, ...levels.channels.map((c) => c.longestClipRun)),
        dc_offset_max: round(Math.max(0, ...levels.channels.map((c) => Math.abs(c.dcOffset))), 6),
        noise_floor_dbfs:
          levels.noiseFloorMeanSquare === null
            ? null
            : db(10 * Math.log10(levels.noiseFloorMeanSquare)),
      },
      spectrum: {
        centroid_hz: nullable(spectrum.centroidHz, 1),
        rolloff_85_hz: nullable(spectrum.rolloff85Hz, 1),
        flatness: nullable(spectrum.flatness, 4),
      },
      channels: this.layout.map((info, i) => ({
        label: info.label,
        loudness_weight: info.weight,
        sample_peak_dbfs: amplitudeDb(levels.channels[i].samplePeak),
        true_peak_dbtp: amplitudeDb(truePeaks[i]),
        rms_dbfs: amplitudeDb(levels.channels[i].rms),
        dc_offset: round(levels.channels[i].dcOffset, 6),
        clipped_samples: levels.channels[i].clippedSamples,
        clip_runs: levels.channels[i].clipRuns,
      })),
    };
  }
}

export class AnalysisAborted extends Error {
  constructor(readonly reason: unknown) {
    super('analysis aborted');
    this.name = 'AnalysisAborted';
  }
}

export interface AnalyzeFileOptions {
  /** Checked between blocks: the analysis stops within one block of an abort. */
  signal?: AbortSignal;
  /** Called after each block with the fraction of frames done. */
  onProgress?: (fraction: number) => void;
  /**
   * Frames per block read from the file (16 Ki by default: a few milliseconds of work, so the
   * event loop — uploads, API calls — gets its turn between two blocks).
   */
  blockFrames?: number;
}

/** How many whole frames the file holds after the header (the declared size, if any, caps it). */
export function framesIn(format: WavFormat, fileBytes: number): number {
  const present = Math.max(0, fileBytes - format.dataOffset);
  const bytes =
    format.declaredDataBytes === null ? present : Math.min(present, format.declaredDataBytes);
  return Math.floor(bytes / format.blockAlign);
}

/**
 * Streams a WAV file's frames through an AudioAnalyzer in blocks (one reused buffer per
 * block), so memory stays flat however long the file is.
 */
export async function analyzeWavFile(
  path: string,
  format: WavFormat,
  options: AnalyzeFileOptions = {},
): Promise<AudioAnalysis> {
  const blockFrames = options.blockFrames ?? 16384;
  const decode = frameDecoder(format);
  const analyzer = new AudioAnalyzer(format);
  const buffer = Buffer.alloc(blockFrames * format.blockAlign);
  const planar = Array.from({ length: format.channels }, () => new Float64Array(blockFrames));
  const file = await open(path, 'r');
  try {
    const total = framesIn(format, (await file.stat()).size);
    let done = 0;
    while (done < total) {
      if (options.signal?.aborted) throw new AnalysisAborted(options.signal.reason);
      const frames = Math.min(blockFrames, total - done);
      const want = frames * format.blockAlign;
      const position = format.dataOffset + done * format.blockAlign;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await file.read(buffer, got, want - got, position + got);
        if (bytesRead === 0) throw new Error(`${path} ended at byte ${position + got}`);
        got += bytesRead;
      }
      decode(buffer, frames, planar);
      analyzer.process(planar, frames);
      done += frames;
      options.onProgress?.(done / total);
    }
  } finally {
    await file.close();
  }
  return analyzer.result();
}
