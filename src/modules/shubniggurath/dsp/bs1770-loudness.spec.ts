import { LoudnessMeter, preFilter, rlbFilter } from './bs1770-loudness';
import { feedInBlocks, Segment, sineSegments } from './test-signals';

/** Measures stereo 1 kHz sine segments at 48 kHz, streamed in uneven blocks. */
function measure(segments: Segment[], sampleRate = 48000, blockFrames = 4801) {
  const meter = new LoudnessMeter(sampleRate, [1, 1]);
  feedInBlocks(sineSegments(sampleRate, segments), blockFrames, (block, frames) =>
    meter.process(block, frames),
  );
  return meter.result();
}

describe('BS.1770-4 K-weighting', () => {
  it('reproduces the standard’s 48 kHz filter coefficients from the bilinear-transform derivation', () => {
    const pre = preFilter(48000);
    expect(pre.b0).toBeCloseTo(1.53512485958697, 9);
    expect(pre.b1).toBeCloseTo(-2.69169618940638, 9);
    expect(pre.b2).toBeCloseTo(1.19839281085285, 9);
    expect(pre.a1).toBeCloseTo(-1.69065929318241, 9);
    expect(pre.a2).toBeCloseTo(0.73248077421585, 9);
    const rlb = rlbFilter(48000);
    expect([rlb.b0, rlb.b1, rlb.b2]).toEqual([1, -2, 1]);
    expect(rlb.a1).toBeCloseTo(-1.99004745483398, 9);
    expect(rlb.a2).toBeCloseTo(0.99007225036621, 9);
  });

  it('gives the K-curve the same response at 44.1 kHz as at 48 kHz (recomputed, not reused)', () => {
    // |H(f)| in dB of both stages together at a given rate
    const responseDb = (sampleRate: number, f: number, filters = [preFilter, rlbFilter]) => {
      const w = (2 * Math.PI * f) / sampleRate;
      let gain = 1;
      for (const make of filters) {
        const { b0, b1, b2, a1, a2 } = make(sampleRate);
        const num = Math.hypot(
          b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w),
          -b1 * Math.sin(w) - b2 * Math.sin(2 * w),
        );
        const den = Math.hypot(
          1 + a1 * Math.cos(w) + a2 * Math.cos(2 * w),
          -a1 * Math.sin(w) - a2 * Math.sin(2 * w),
        );
        gain *= num / den;
      }
      return 20 * Math.log10(gain);
    };
    for (const f of [30, 100, 1000, 1500, 3000, 10000]) {
      expect(Math.abs(responseDb(44100, f) - responseDb(48000, f))).toBeLessThan(0.02);
    }
    // the 48 kHz table used at 44.1 kHz would move the shelf: 0.1 dB off or more around 2 kHz
    const table48 = [() => preFilter(48000), () => rlbFilter(48000)];
    expect(Math.abs(responseDb(44100, 1500, table48) - responseDb(48000, 1500))).toBeGreaterThan(
      0.1,
    );
  });
});

describe('EBU Tech 3341 integrated loudness (stereo 1 kHz sine)', () => {
  it('reads −23.0 ± 0.1 LUFS for 20 s at −23 dBFS', () => {
    expect(measure([{ dbfs: -23, seconds: 20 }]).integratedLufs).toBeCloseTo(-23, 1);
  });

  it('reads −33.0 ± 0.1 LUFS for 20 s at −33 dBFS', () => {
    expect(measure([{ dbfs: -33, seconds: 20 }]).integratedLufs).toBeCloseTo(-33, 1);
  });

  it('gates out the quiet parts: −36 / −23 / −36 dBFS (10, 60, 10 s) → −23.0 ± 0.1', () => {
    const result = measure([
      { dbfs: -36, seconds: 10 },
      { dbfs: -23, seconds: 60 },
      { dbfs: -36, seconds: 10 },
    ]);
    expect(result.integratedLufs).toBeCloseTo(-23, 1);
  });

  it('gates −72 / −36 / −23 / −36 / −72 dBFS (10, 10, 60, 10, 10 s) → −23.0 ± 0.1', () => {
    const result = measure([
      { dbfs: -72, seconds: 10 },
      { dbfs: -36, seconds: 10 },
      { dbfs: -23, seconds: 60 },
      { dbfs: -36, seconds: 10 },
      { dbfs: -72, seconds: 10 },
    ]);
    expect(result.integratedLufs).toBeCloseTo(-23, 1);
  });

  it('averages −26 / −20 / −26 dBFS (20, 20.1, 20 s) to −23.0 ± 0.1', () => {
    const result = measure([
      { dbfs: -26, seconds: 20 },
      { dbfs: -20, seconds: 20.1 },
      { dbfs: -26, seconds: 20 },
    ]);
    expect(result.integratedLufs).toBeCloseTo(-23, 1);
  });

  it('reports the momentary and short-term maxima of a steady tone as its level', () => {
    const result = measure([{ dbfs: -23, seconds: 5 }]);
    expect(result.momentaryMaxLufs).toBeCloseTo(-23, 1);
    expect(result.shortTermMaxLufs).toBeCloseTo(-23, 1);
  });

  it('reads silence as −∞ (nothing passes the absolute gate)', () => {
    expect(measure([{ dbfs: -200, seconds: 2 }]).integratedLufs).toBe(-Infinity);
  });

  it('keeps exact 100 ms steps at 11 025 Hz, where a step is 1102.5 samples', () => {
    expect(measure([{ dbfs: -23, seconds: 10 }], 11025, 3000).integratedLufs).toBeCloseTo(-23, 1);
  });
});

describe('EBU Tech 3342 loudness range (stereo 1 kHz sine)', () => {
  it('−20 then −30 dBFS, 20 s each → LRA 10 ± 1 LU', () => {
    const lra = measure([
      { dbfs: -20, seconds: 20 },
      { dbfs: -30, seconds: 20 },
    ]).loudnessRangeLu;
    expect(Math.abs(lra - 10)).toBeLessThanOrEqual(1);
  });

  it('−20 then −15 dBFS → LRA 5 ± 1 LU', () => {
    const lra = measure([
      { dbfs: -20, seconds: 20 },
      { dbfs: -15, seconds: 20 },
    ]).loudnessRangeLu;
    expect(Math.abs(lra - 5)).toBeLessThanOrEqual(1);
  });

  it('−40 then −20 dBFS → LRA 20 ± 1 LU', () => {
    const lra = measure([
      { dbfs: -40, seconds: 20 },
      { dbfs: -20, seconds: 20 },
    ]).loudnessRangeLu;
    expect(Math.abs(lra - 20)).toBeLessThanOrEqual(1);
  });

  it('a steady tone has no loudness range', () => {
    expect(measure([{ dbfs: -20, seconds: 10 }]).loudnessRangeLu).toBeCloseTo(0, 2);
  });
});
