import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisAborted, analyzeWavFile, AudioAnalysis } from './audio-analyzer';
import { musicLike, sineSegments } from './test-signals';
import { EncodeFormat, encodeFrames, wavHeader } from './wav-encoder';
import { WavHeaderParser } from './wav-header-parser';

const FORMATS: ReadonlyArray<Pick<EncodeFormat, 'encoding' | 'bitsPerSample'>> = [
  { encoding: 'int', bitsPerSample: 16 },
  { encoding: 'int', bitsPerSample: 24 },
  { encoding: 'int', bitsPerSample: 32 },
  { encoding: 'float', bitsPerSample: 32 },
  { encoding: 'float', bitsPerSample: 64 },
];

describe('audio analysis of WAV files (streamed from disk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shub-dsp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let fileCount = 0;
  /** Writes the signal as a WAV file and analyses it the way a job does. */
  async function analyse(
    planar: Float64Array[],
    format: EncodeFormat,
    options: Parameters<typeof analyzeWavFile>[2] = {},
  ): Promise<AudioAnalysis> {
    const frames = planar[0].length;
    const data = encodeFrames(planar, frames, format);
    const bytes = Buffer.concat([wavHeader(format, data.length), data]);
    const path = join(dir, `signal-${++fileCount}.wav`);
    writeFileSync(path, bytes);
    const parser = new WavHeaderParser();
    parser.push(bytes);
    return analyzeWavFile(path, parser.end(), { blockFrames: 10000, ...options });
  }

  it('measures the same loudness for the same signal at 44.1 and 48 kHz, in 16/24/32-bit and float', async () => {
    const readings: Record<string, number> = {};
    for (const sampleRate of [44100, 48000]) {
      const signal = musicLike(sampleRate, 8);
      for (const f of FORMATS) {
        const result = await analyse(signal, { ...f, sampleRate, channels: 2 });
        readings[`${sampleRate}/${f.encoding}${f.bitsPerSample}`] =
          result.loudness.integrated_lufs!;
      }
    }
    const values = Object.values(readings);
    expect(values).toHaveLength(10);
    const spread = Math.max(...values) - Math.min(...values);
    expect({ spread_below_0_1_lu: spread < 0.1, readings }).toMatchObject({
      spread_below_0_1_lu: true,
    });
  });

  it('reads the EBU 3341 −23 dBFS stereo tone as −23.0 LUFS from 44.1 kHz 16-bit and 48 kHz float files', async () => {
    for (const format of [
      { encoding: 'int', bitsPerSample: 16, sampleRate: 44100 },
      { encoding: 'float', bitsPerSample: 32, sampleRate: 48000 },
    ] as const) {
      const tone = sineSegments(format.sampleRate, [{ dbfs: -23, seconds: 20 }]);
      const result = await analyse(tone, { ...format, channels: 2 });
      expect(result.loudness.integrated_lufs).toBeCloseTo(-23, 1);
      expect(result.loudness.sample_peak_dbfs).toBeCloseTo(-23, 1);
      expect(result.loudness.rms_dbfs).toBeCloseTo(-26.01, 1);
      expect(result.dynamics.crest_factor_db).toBeCloseTo(3.01, 1);
    }
  });

  it('weights 5.1 surrounds by 1.41 and leaves the LFE out', async () => {
    const sampleRate = 48000;
    const [tone] = sineSegments(sampleRate, [{ dbfs: -23, seconds: 5 }], { channels: 1 });
    const silence = new Float64Array(tone.length);
    // Only the left surround carries the tone: it reads 1.5 dB above the same tone on L.
    const lsOnly = [silence, silence, silence, silence, tone, silence];
    const lOnly = [tone, silence, silence, silence, silence, silence];
    const lfeOnly = [silence, silence, silence, tone, silence, silence];
    const format = { encoding: 'float', bitsPerSample: 32, sampleRate, channels: 6 } as const;
    const ls = await analyse(lsOnly, format);
    const l = await analyse(lOnly, format);
    const lfe = await analyse(lfeOnly, format);
    expect(ls.format.channel_layout).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(ls.loudness.integrated_lufs! - l.loudness.integrated_lufs!).toBeCloseTo(1.49, 1);
    expect(lfe.loudness.integrated_lufs).toBeNull();
  });

  it('counts clipped runs, DC offset and the noise floor', async () => {
    const sampleRate = 44100;
    const frames = sampleRate * 4;
    const left = new Float64Array(frames);
    const right = new Float64Array(frames);
    for (let i = 0; i < frames; i++) {
      // a sine driven 6 dB into the rails: each crest is a flat run of full-scale samples
      left[i] = Math.max(-1, Math.min(1, 2 * Math.sin((2 * Math.PI * 100 * i) / sampleRate)));
      right[i] = 0.05 + 0.01 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
    }
    const result = await analyse([left, right], {
      encoding: 'int',
      bitsPerSample: 24,
      sampleRate,
      channels: 2,
    });
    // 100 Hz for 4 s: 400 positive and 400 negative crests, each a run of ~147 samples
    expect(result.defects.clip_runs).toBe(800);
    expect(result.defects.longest_clip_run).toBeGreaterThan(140);
    expect(result.channels[0].clip_runs).toBe(800);
    expect(result.channels[1]).toMatchObject({ clip_runs: 0, clipped_samples: 0 });
    expect(result.channels[1].dc_offset).toBeCloseTo(0.05, 4);
    expect(result.defects.dc_offset_max).toBeCloseTo(0.05, 4);
    expect(result.defects.noise_floor_dbfs).not.toBeNull();
  });

  it('places the spectral centroid and rolloff of a 1 kHz tone at 1 kHz, with low flatness', async () => {
    const tone = sineSegments(48000, [{ dbfs: -12, seconds: 3 }]);
    const result = await analyse(tone, {
      encoding: 'float',
      bitsPerSample: 32,
      sampleRate: 48000,
      channels: 2,
    });
    expect(Math.abs(result.spectrum.centroid_hz! - 1000)).toBeLessThan(30);
    expect(Math.abs(result.spectrum.rolloff_85_hz! - 1000)).toBeLessThan(30);
    expect(result.spectrum.flatness!).toBeLessThan(0.01);
  });

  it('reads white noise as spectrally flat, centred near a quarter of the rate', async () => {
    let seed = 1;
    const noise = new Float64Array(48000 * 3).map(() => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647 - 0.5) * 0.5;
    });
    const result = await analyse([noise], {
      encoding: 'float',
      bitsPerSample: 32,
      sampleRate: 48000,
      channels: 1,
    });
    expect(result.spectrum.flatness!).toBeGreaterThan(0.5);
    expect(Math.abs(result.spectrum.centroid_hz! - 12000)).toBeLessThan(600);
  });

  it('reports silence with null levels instead of −∞', async () => {
    const silence = [new Float64Array(48000), new Float64Array(48000)];
    const result = await analyse(silence, {
      encoding: 'int',
      bitsPerSample: 16,
      sampleRate: 48000,
      channels: 2,
    });
    expect(result.loudness).toMatchObject({
      integrated_lufs: null,
      true_peak_dbtp: null,
      sample_peak_dbfs: null,
    });
    expect(result.spectrum.centroid_hz).toBeNull();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('stops between blocks when aborted, and reports progress until then', async () => {
    const tone = sineSegments(48000, [{ dbfs: -20, seconds: 5 }]);
    const controller = new AbortController();
    const progress: number[] = [];
    const run = analyse(
      tone,
      { encoding: 'int', bitsPerSample: 16, sampleRate: 48000, channels: 2 },
      {
        signal: controller.signal,
        onProgress: (fraction) => {
          progress.push(fraction);
          if (progress.length === 3) controller.abort('cancelled');
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(AnalysisAborted);
    expect(progress).toHaveLength(3);
    expect(progress[2]).toBeLessThan(1);
  });
});
