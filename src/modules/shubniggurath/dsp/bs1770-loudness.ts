/**
 * Programme loudness per ITU-R BS.1770-4 (10/2015) and EBU R 128, with the EBU Tech 3341
 * (loudness metering: momentary 400 ms, short-term 3 s) and EBU Tech 3342 (loudness range)
 * definitions. Everything here is streamed: samples go in block by block, and what is kept is
 * one figure per 100 ms step (the gating blocks and the short-term values), never the audio.
 *
 * References:
 * - ITU-R BS.1770-4, Annex 1: K-weighting (pre-filter + RLB high-pass), mean square per channel,
 *   channel weights G_i (1.0 for L/R/C, 1.41 for the surrounds, LFE not measured), 400 ms gating
 *   blocks overlapping by 75 %, absolute gate −70 LKFS, relative gate −10 LU.
 * - The filters are specified there by their 48 kHz coefficients only, which are wrong at any
 *   other rate (the shelf would sit elsewhere). They are recomputed here for the actual rate from
 *   the analogue prototypes through the bilinear transform, with the prototype parameters
 *   (f0, G, Q) fitted to the 48 kHz coefficients, as libebur128 (Jan Kokemüller) derives them.
 *   At 48 kHz they reproduce the standard's table (bs1770-loudness.spec.ts checks it).
 * - EBU Tech 3342 "Loudness Range": LRA from the short-term (3 s) loudness sampled at
 *   10 Hz, absolute gate −70 LUFS, relative gate −20 LU below the gated mean, LRA = the
 *   95th − 10th percentile of what remains.
 */

/** Direct-form biquad coefficients (a0 normalised to 1). */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Stage 1, the "pre-filter": a high shelf of about +4 dB modelling the head. */
export function preFilter(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = Math.pow(10, gainDb / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/**
 * Stage 2, the "RLB" (revised low-frequency B) high-pass at about 38 Hz. Its numerator is
 * 1, −2, 1 as in the standard's table (the filter's passband gain is then ~1.0 at 48 kHz;
 * the −0.691 dB in the loudness formula accounts for the rest of the K-curve's 1 kHz gain).
 */
export function rlbFilter(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const q = 0.5003270373238773;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + k / q + k * k;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
}

/** BS.1770-4 eq. 2: loudness of a (weighted, summed) mean square. */
export function loudnessOf(meanSquare: number): number {
  return meanSquare > 0 ? -0.691 + 10 * Math.log10(meanSquare) : -Infinity;
}

const energyOf = (lufs: number) => Math.pow(10, (lufs + 0.691) / 10);

export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;
export const LRA_RELATIVE_GATE_LU = -20;

/** A growable list of float64 figures (one per 100 ms: 288 KB per hour of audio). */
class Series {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export interface LoudnessFigures {
  /** Gated programme loudness (BS.1770-4); -Infinity when nothing passes the gates. */
  integratedLufs: number;
  /** Highest 400 ms (momentary) loudness; -Infinity for less than 400 ms of audio. */
  momentaryMaxLufs: number;
  /** Highest 3 s (short-term) loudness; -Infinity for less than 3 s of audio. */
  shortTermMaxLufs: number;
  /** EBU Tech 3342 loudness range; 0 when fewer than two short-term values pass the gates. */
  loudnessRangeLu: number;
  /** The relative gate that was applied (integrated − 10 LU), for the record. */
  relativeGateLufs: number;
  /** How many 400 ms gating blocks were measured. */
  gatingBlocks: number;
}

/**
 * Streams audio through the K-weighting filters and keeps, per 100 ms step, the weighted sum of
 * the channels' squared samples. Steps fall at round(k · rate / 10) so that rates whose 100 ms
 * is not a whole number of samples (11 025 Hz) keep exact 400 ms / 3 s windows.
 */
export class LoudnessMeter {
  private readonly pre: Biquad;
  private readonly rlb: Biquad;
  /** Filter state per channel: x1, x2 (input), m1, m2 (between stages), y1, y2 (output). */
  private readonly state: Float64Array[];
  private readonly weights: Float64Array;
  private readonly measured: number[];

  private stepIndex = 0;
  private stepEnd: number;
  private samplesSeen = 0;
  private stepSum = 0;
  /** The last 30 steps (3 s): weighted sum and sample count of each. */
  private readonly ringSum = new Float64Array(30);
  private readonly ringCount = new Float64Array(30);
  private readonly blocks = new Series();
  private readonly shortTerm = new Series();
  private momentaryMax = -Infinity;
  private shortTermMax = -Infinity;

  /** `weights[i]` is channel i's G_i (0 leaves the channel out, as the LFE). */
  constructor(
    private readonly sampleRate: number,
    weights: readonly number[],
  ) {
    this.pre = preFilter(sampleRate);
    this.rlb = rlbFilter(sampleRate);
    this.weights = Float64Array.from(weights);
    this.measured = weights.flatMap((w, i) => (w > 0 ? [i] : []));
    this.state = weights.map(() => new Float64Array(6));
    this.stepEnd = this.boundary(1);
  }

  private boundary(step: number): number {
    return Math.round((step * this.sampleRate) / 10);
  }

  /** Feeds `frames` frames of planar audio (one array per channel, full scale = 1.0). */
  process(channels: readonly Float64Array[], frames: number): void {
    let done = 0;
    while (done < frames) {
      const take = Math.min(frames - done, this.stepEnd - this.samplesSeen);
      let sum = 0;
      for (const c of this.measured) {
        sum += this.weights[c] * this.filterSquares(channels[c], done, done + take, this.state[c]);
      }
      this.stepSum += sum;
      this.samplesSeen += take;
      done += take;
      if (this.samplesSeen === this.stepEnd) this.closeStep();
    }
  }

  /** Runs both K-weighting stages over x[from, to) and returns the sum of squared output. */
  private filterSquares(x: Float64Array, from: number, to: number, s: Float64Array): number {
    const { b0, b1, b2, a1, a2 } = this.pre;
    const r = this.rlb;
    let x1 = s[0],
      x2 = s[1],
      m1 = s[2],
      m2 = s[3],
      y1 = s[4],
      y2 = s[5];
    let acc = 0;
    for (let i = from; i < to; i++) {
      const x0 = x[i];
      const m0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * m1 - a2 * m2;
      const y0 = r.b0 * m0 + r.b1 * m1 + r.b2 * m2 - r.a1 * y1 - r.a2 * y2;
      x2 = x1;
      x1 = x0;
      m2 = m1;
      m1 = m0;
      y2 = y1;
      y1 = y0;
      acc += y0 * y0;
    }
    // Flush denormals: a long silence after a signal would otherwise crawl through them.
    s[0] = x1;
    s[1] = x2;
    s[2] = Math.abs(m1) < 1e-30 ? 0 : m1;
    s[3] = Math.abs(m2) < 1e-30 ? 0 : m2;
    s[4] = Math.abs(y1) < 1e-30 ? 0 : y1;
    s[5] = Math.abs(y2) < 1e-30 ? 0 : y2;
    return acc;
  }

  private closeStep(): void {
    const slot = this.stepIndex % 30;
    const count = this.stepEnd - this.boundary(this.stepIndex);
    this.ringSum[slot] = this.stepSum;
    this.ringCount[slot] = count;
    this.stepIndex += 1;
    this.stepSum = 0;
    this.stepEnd = this.boundary(this.stepIndex + 1);
    if (this.stepIndex >= 4) {
      const z = this.windowMeanSquare(4);
      this.blocks.push(z);
      this.momentaryMax = Math.max(this.momentaryMax, loudnessOf(z));
    }
    if (this.stepIndex >= 30) {
      const z = this.windowMeanSquare(30);
      this.shortTerm.push(z);
      this.shortTermMax = Math.max(this.shortTermMax, loudnessOf(z));
    }
  }

  /** Mean square over the last `steps` steps (each channel's mean, weighted and summed). */
  private windowMeanSquare(steps: number): number {
    let sum = 0;
    let count = 0;
    for (let k = 1; k <= steps; k++) {
      const slot = (this.stepIndex - k) % 30;
      sum += this.ringSum[slot];
      count += this.ringCount[slot];
    }
    return sum / count;
  }

  /** The figures so far; a trailing part block (< 100 ms) is not measured, as in the standard. */
  result(): LoudnessFigures {
    const { integrated, relativeGate } = gatedLoudness(this.blocks.values());
    return {
      integratedLufs: integrated,
      momentaryMaxLufs: this.momentaryMax,
      shortTermMaxLufs: this.shortTermMax,
      loudnessRangeLu: loudnessRange(this.shortTerm.values()),
      relativeGateLufs: relativeGate,
      gatingBlocks: this.blocks.length,
    };
  }
}

/** BS.1770-4 eq. 5–7: two-stage gating of the 400 ms block mean squares. */
export function gatedLoudness(blocks: Float64Array): { integrated: number; relativeGate: number } {
  const absoluteGate = energyOf(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const z of blocks) {
    if (z > absoluteGate) {
      sum += z;
      n++;
    }
  }
  if (n === 0) return { integrated: -Infinity, relativeGate: -Infinity };
  const relativeGate = loudnessOf(sum / n) + RELATIVE_GATE_LU;
  const gate = energyOf(relativeGate);
  sum = 0;
  n = 0;
  for (const z of blocks) {
    if (z > absoluteGate && z > gate) {
      sum += z;
      n++;
    }
  }
  return { integrated: n > 0 ? loudnessOf(sum / n) : -Infinity, relativeGate };
}

/**
 * EBU Tech 3342: the spread of the short-term loudness. Gates: −70 LUFS absolute, then −20 LU
 * below the mean (in energy) of what passed; LRA = L95 − L10 of the remaining values, each
 * percentile taken as the nearest rank of the sorted values (as libebur128 does).
 */
export function loudnessRange(shortTerm: Float64Array): number {
  const absoluteGate = energyOf(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const z of shortTerm) {
    if (z > absoluteGate) {
      sum += z;
      n++;
    }
  }
  if (n === 0) return 0;
  const gate = energyOf(loudnessOf(sum / n) + LRA_RELATIVE_GATE_LU);
  const kept: number[] = [];
  for (const z of shortTerm) if (z > absoluteGate && z > gate) kept.push(loudnessOf(z));
  if (kept.length < 2) return 0;
  kept.sort((a, b) => a - b);
  const at = (p: number) => kept[Math.round((kept.length - 1) * p)];
  return at(0.95) - at(0.1);
}
