/**
 * True-peak level per ITU-R BS.1770-4, Annex 2: the signal is oversampled 4× by the Annex's
 * 48-tap interpolation filter, applied as 4 polyphase branches of 12 taps (Annex 2, table 1),
 * and the largest absolute value of the oversampled signal is the true peak. The filter is
 * defined relative to the sample rate, so the same taps serve every rate (4× at 44.1 kHz is
 * 176.4 kHz); at 96 kHz and above the Annex would allow less oversampling, 4× is kept throughout.
 *
 * As in libebur128, the reading is never below the sample peak (the phase-0 branch is not
 * exactly the identity, its centre tap is 0.972).
 */

/** Annex 2, table 1, split by phase: phase p holds taps p, p+4, …, p+44. */
export const TRUE_PEAK_PHASES: readonly Float64Array[] = [
  [
    0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875,
    0.1373291015625, 0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125,
    0.014892578125, -0.00830078125,
  ],
  [
    -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
    0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
  ],
  [
    -0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625, -0.2003173828125, 0.77978515625,
    0.465087890625, -0.16650390625, 0.089111328125, -0.0517578125, 0.029296875, -0.0291748046875,
  ],
  [
    -0.00830078125, 0.014892578125, -0.026611328125, 0.047607421875, -0.102294921875, 0.97216796875,
    0.1373291015625, -0.0594482421875, 0.033203125, -0.0196533203125, 0.010986328125,
    0.001708984375,
  ],
].map((taps) => Float64Array.from(taps));

const HISTORY = 11;
/** Largest gain any branch can have on any input: the biggest sum of |taps| of a phase. */
const MAX_BRANCH_GAIN = Math.max(
  ...TRUE_PEAK_PHASES.map((taps) => taps.reduce((sum, t) => sum + Math.abs(t), 0)),
);
/** Samples judged together when deciding whether a stretch can hold a new peak. */
const STRETCH = 64;

/** Per-channel 4× oversampling peak meter; memory is a few samples of history per channel. */
export class TruePeakMeter {
  private readonly history: Float64Array[];
  private readonly peaks: Float64Array;
  private work = new Float64Array(0);

  constructor(channels: number) {
    this.history = Array.from({ length: channels }, () => new Float64Array(HISTORY));
    this.peaks = new Float64Array(channels);
  }

  process(channels: readonly Float64Array[], frames: number): void {
    if (this.work.length < frames + HISTORY) this.work = new Float64Array(frames + HISTORY);
    for (let c = 0; c < channels.length; c++) {
      const x = this.work;
      x.set(this.history[c], 0);
      x.set(channels[c].subarray(0, frames), HISTORY);
      this.peaks[c] = scan(x, frames + HISTORY, this.peaks[c]);
      this.history[c].set(x.subarray(frames, frames + HISTORY));
    }
  }

  /** Linear true peak per channel (1.0 = 0 dBTP). */
  channelPeaks(): number[] {
    return [...this.peaks];
  }
}

/**
 * The filter is symmetric (phase 3 is phase 0 reversed, phase 2 is phase 1 reversed), so with
 * u_k = x[n−k] + x[n−11+k] and v_k = x[n−k] − x[n−11+k] (k = 0..5):
 *   y0 + y3 = Σ (h0[k] + h0[11−k])·u_k,   y0 − y3 = Σ (h0[k] − h0[11−k])·v_k,
 * and max(|y0|, |y3|) = (|y0 + y3| + |y0 − y3|) / 2 — the four branches in 24 products, not 48.
 */
const [H0, H1] = TRUE_PEAK_PHASES;
const pair = (h: Float64Array, sign: 1 | -1) =>
  Float64Array.from({ length: 6 }, (_, k) => h[k] + sign * h[11 - k]);
const S03 = pair(H0, 1);
const D03 = pair(H0, -1);
const S12 = pair(H1, 1);
const D12 = pair(H1, -1);

// prettier-ignore
/**
 * The largest |value| of x oversampled 4×, or `peak` if larger. x[0..10] is history. A stretch
 * whose input (with the history its outputs read) cannot produce more than the peak so far —
 * its largest |x| times the largest branch gain stays below it — is skipped: an exact bound,
 * not an approximation, and many of a mastered track's samples are far enough below its peak.
 */
function scan(x: Float64Array, length: number, peak: number): number {
  const a0 = S03[0], a1 = S03[1], a2 = S03[2], a3 = S03[3], a4 = S03[4], a5 = S03[5];
  const b0 = D03[0], b1 = D03[1], b2 = D03[2], b3 = D03[3], b4 = D03[4], b5 = D03[5];
  const c0 = S12[0], c1 = S12[1], c2 = S12[2], c3 = S12[3], c4 = S12[4], c5 = S12[5];
  const d0 = D12[0], d1 = D12[1], d2 = D12[2], d3 = D12[3], d4 = D12[4], d5 = D12[5];
  for (let start = HISTORY; start < length; start += STRETCH) {
    const end = Math.min(length, start + STRETCH);
    let inputMax = 0;
    // (No Math.abs in these loops: inline comparisons stay fast in every JS context.)
    for (let i = start - HISTORY; i < end; i++) {
      const v = x[i];
      const a = v < 0 ? -v : v;
      if (a > inputMax) inputMax = a;
      if (i >= start && a > peak) peak = a; // the sample peak: the reading never goes below it
    }
    if (inputMax * MAX_BRANCH_GAIN <= peak) continue;
    let twice = 2 * peak;
    for (let n = start; n < end; n++) {
      const p0 = x[n], p1 = x[n - 1], p2 = x[n - 2], p3 = x[n - 3], p4 = x[n - 4], p5 = x[n - 5];
      const q5 = x[n - 6], q4 = x[n - 7], q3 = x[n - 8], q2 = x[n - 9], q1 = x[n - 10], q0 = x[n - 11];
      const u0 = p0 + q0, u1 = p1 + q1, u2 = p2 + q2, u3 = p3 + q3, u4 = p4 + q4, u5 = p5 + q5;
      const v0 = p0 - q0, v1 = p1 - q1, v2 = p2 - q2, v3 = p3 - q3, v4 = p4 - q4, v5 = p5 - q5;
      const s03 = a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3 + a4 * u4 + a5 * u5;
      const d03 = b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3 + b4 * v4 + b5 * v5;
      const s12 = c0 * u0 + c1 * u1 + c2 * u2 + c3 * u3 + c4 * u4 + c5 * u5;
      const d12 = d0 * v0 + d1 * v1 + d2 * v2 + d3 * v3 + d4 * v4 + d5 * v5;
      const outer = (s03 < 0 ? -s03 : s03) + (d03 < 0 ? -d03 : d03);
      const inner = (s12 < 0 ? -s12 : s12) + (d12 < 0 ? -d12 : d12);
      const m = outer > inner ? outer : inner;
      if (m > twice) twice = m;
    }
    peak = twice / 2;
  }
  return peak;
}
