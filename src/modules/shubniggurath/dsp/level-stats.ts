/**
 * Plain (unweighted) level figures, streamed: sample peak, RMS and DC offset per channel,
 * clipping, the noise floor, and the "DR" dynamic-range figure.
 *
 * - RMS is the plain root mean square (a full-scale sine reads −3.01 dBFS).
 * - Clipping: a sample at digital full scale (|x| ≥ 1 − 1 LSB for integer PCM, ≥ 1.0 for float)
 *   is a full-scale sample; a run of at least MIN_CLIP_RUN of them in a channel is a clip (one or
 *   two full-scale samples are a normalised peak, not a flattened waveform).
 * - Noise floor: the 5th percentile of the 100 ms RMS (all channels' mean square), digital
 *   silence left out: the level of the quietest passages that still carry signal.
 * - Dynamic range: the "DR" figure of the Pleasurize Music Foundation's TT Dynamic Range Meter,
 *   per channel over 3 s blocks — the second-highest block peak over the RMS of the loudest 20 %
 *   of blocks (block RMS taken as √(2·mean square), so a sine reads 0 dB) — averaged over the
 *   channels. A heavily limited master reads DR 4–6, an open acoustic recording 12 or more.
 */

export const MIN_CLIP_RUN = 3;
const DR_BLOCK_SEC = 3;
const DR_TOP_FRACTION = 0.2;
const NOISE_FLOOR_PERCENTILE = 0.05;

export interface ChannelLevels {
  samplePeak: number;
  rms: number;
  dcOffset: number;
  clippedSamples: number;
  clipRuns: number;
  longestClipRun: number;
}

export interface LevelFigures {
  channels: ChannelLevels[];
  /** Over all channels: largest sample peak, RMS of every sample. */
  samplePeak: number;
  rms: number;
  /** Mean square (linear) of the noise floor; null when every 100 ms step is digital silence. */
  noiseFloorMeanSquare: number | null;
  /** TT DR in dB; null for less than one 3 s block or silence. */
  dynamicRangeDb: number | null;
}

class ChannelState {
  peak = 0;
  sum = 0;
  sumSquares = 0;
  clippedSamples = 0;
  clipRuns = 0;
  longestRun = 0;
  run = 0;
  blockPeak = 0;
  blockSquares = 0;
  readonly blockPeaks: number[] = [];
  readonly blockMeanSquares: number[] = [];
}

export class LevelStats {
  private readonly state: ChannelState[];
  private frames = 0;
  private readonly drBlockFrames: number;
  private drBlockFill = 0;
  private readonly stepEnds: (k: number) => number;
  private step = 0;
  private stepFill = 0;
  private stepSquares = 0;
  private readonly stepMeanSquares: number[] = [];

  /** `fullScale`: the magnitude from which a sample counts as at full scale. */
  constructor(
    channels: number,
    sampleRate: number,
    private readonly fullScale: number,
  ) {
    this.state = Array.from({ length: channels }, () => new ChannelState());
    this.drBlockFrames = DR_BLOCK_SEC * sampleRate;
    this.stepEnds = (k) => Math.round((k * sampleRate) / 10);
  }

  process(channels: readonly Float64Array[], frames: number): void {
    let done = 0;
    while (done < frames) {
      // Cut the block where a 100 ms step or a 3 s DR block ends, so each loop stays simple.
      const stepLength = this.stepEnds(this.step + 1) - this.stepEnds(this.step);
      const stepLeft = stepLength - this.stepFill;
      const drLeft = this.drBlockFrames - this.drBlockFill;
      const take = Math.min(frames - done, stepLeft, drLeft);
      for (let c = 0; c < channels.length; c++) {
        this.stepSquares += this.scan(channels[c], done, done + take, this.state[c]);
      }
      done += take;
      this.frames += take;
      this.stepFill += take;
      this.drBlockFill += take;
      if (this.stepFill === stepLength) this.closeStep(channels.length);
      if (this.drBlockFill === this.drBlockFrames) this.closeDrBlock();
    }
  }

  private scan(x: Float64Array, from: number, to: number, s: ChannelState): number {
    const full = this.fullScale;
    let peak = s.blockPeak;
    let sum = 0;
    let squares = 0;
    let run = s.run;
    for (let i = from; i < to; i++) {
      const v = x[i];
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      sum += v;
      squares += v * v;
      if (a >= full) {
        run++;
      } else if (run > 0) {
        this.endRun(s, run);
        run = 0;
      }
    }
    s.run = run;
    s.blockPeak = peak;
    s.blockSquares += squares;
    s.sum += sum;
    s.sumSquares += squares;
    return squares;
  }

  private endRun(s: ChannelState, run: number): void {
    if (run < MIN_CLIP_RUN) return;
    s.clipRuns++;
    s.clippedSamples += run;
    if (run > s.longestRun) s.longestRun = run;
  }

  private closeStep(channels: number): void {
    this.stepMeanSquares.push(this.stepSquares / (this.stepFill * channels));
    this.step++;
    this.stepFill = 0;
    this.stepSquares = 0;
  }

  private closeDrBlock(): void {
    for (const s of this.state) {
      s.blockPeaks.push(s.blockPeak);
      s.blockMeanSquares.push(s.blockSquares / this.drBlockFill);
      if (s.blockPeak > s.peak) s.peak = s.blockPeak;
      s.blockPeak = 0;
      s.blockSquares = 0;
    }
    this.drBlockFill = 0;
  }

  result(): LevelFigures {
    // Fold in the unfinished step and block without closing them: the figures stay streamable.
    const channels = this.state.map((s) => {
      let clipRuns = s.clipRuns;
      let clipped = s.clippedSamples;
      let longest = s.longestRun;
      if (s.run >= MIN_CLIP_RUN) {
        clipRuns++;
        clipped += s.run;
        longest = Math.max(longest, s.run);
      }
      const n = Math.max(1, this.frames);
      return {
        samplePeak: Math.max(s.peak, s.blockPeak),
        rms: Math.sqrt(s.sumSquares / n),
        dcOffset: s.sum / n,
        clippedSamples: clipped,
        clipRuns,
        longestClipRun: longest,
      };
    });
    const n = Math.max(1, this.frames * this.state.length);
    const allSquares = this.state.reduce((sum, s) => sum + s.sumSquares, 0);
    return {
      channels,
      samplePeak: Math.max(0, ...channels.map((c) => c.samplePeak)),
      rms: Math.sqrt(allSquares / n),
      noiseFloorMeanSquare: percentileOfSignal(this.stepMeanSquares, NOISE_FLOOR_PERCENTILE),
      dynamicRangeDb: this.dynamicRange(),
    };
  }

  private dynamicRange(): number | null {
    const perChannel: number[] = [];
    for (const s of this.state) {
      const blocks = s.blockPeaks.length;
      if (blocks === 0) return null;
      const peaks = [...s.blockPeaks].sort((a, b) => b - a);
      const secondPeak = peaks[blocks > 1 ? 1 : 0];
      const loudest = [...s.blockMeanSquares].sort((a, b) => b - a);
      const top = loudest.slice(0, Math.max(1, Math.round(blocks * DR_TOP_FRACTION)));
      const rms = Math.sqrt((2 * top.reduce((sum, v) => sum + v, 0)) / top.length);
      if (rms === 0 || secondPeak === 0) continue; // a silent channel has no dynamic range
      perChannel.push(20 * Math.log10(secondPeak / rms));
    }
    if (perChannel.length === 0) return null;
    return perChannel.reduce((sum, v) => sum + v, 0) / perChannel.length;
  }
}

/** The p-th percentile (nearest rank) of the non-zero values, or null when all are zero. */
function percentileOfSignal(values: number[], p: number): number | null {
  const signal = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (signal.length === 0) return null;
  return signal[Math.round((signal.length - 1) * p)];
}
