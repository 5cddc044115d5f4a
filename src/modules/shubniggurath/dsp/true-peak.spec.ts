import { feedInBlocks, sineSegments } from './test-signals';
import { TruePeakMeter } from './true-peak';

const dbtp = (linear: number) => 20 * Math.log10(linear);

function truePeakOf(signal: Float64Array[], blockFrames = 1000): number[] {
  const meter = new TruePeakMeter(signal.length);
  feedInBlocks(signal, blockFrames, (block, frames) => meter.process(block, frames));
  return meter.channelPeaks();
}

describe('true peak (BS.1770-4 Annex 2, 4× oversampling)', () => {
  it('reads about +3 dBTP for a 0 dBFS-sample-peak sine at fs/4 with a 45° phase offset', () => {
    // Samples of sin(πn/2 + π/4) are ±0.7071: scaled to a sample peak of exactly 1.0 the
    // waveform's crests, between the samples, are at √2 (+3.01 dB).
    const [wave] = sineSegments(48000, [{ dbfs: 20 * Math.log10(Math.SQRT2), seconds: 1 }], {
      channels: 1,
      frequency: 12000,
      phase: Math.PI / 4,
    });
    const samplePeak = Math.max(...wave.map(Math.abs));
    expect(samplePeak).toBeCloseTo(1, 9);
    const [peak] = truePeakOf([wave]);
    expect(dbtp(peak)).toBeGreaterThan(2.8);
    expect(dbtp(peak)).toBeLessThan(3.2);
  });

  it('reads a sine sampled on its crests at its sample peak, within the filter’s 0.2 dB ripple', () => {
    const [wave] = sineSegments(48000, [{ dbfs: -6, seconds: 1 }], {
      channels: 1,
      frequency: 12000,
      phase: Math.PI / 2,
    });
    expect(Math.abs(dbtp(truePeakOf([wave])[0]) + 6)).toBeLessThan(0.2);
  });

  it('never reads below the sample peak (a lone full-scale click)', () => {
    const click = new Float64Array(1000);
    click[500] = 1;
    expect(truePeakOf([click])[0]).toBeGreaterThanOrEqual(1);
  });

  it('gives the same reading whatever the block size (history carried across blocks)', () => {
    const wave = sineSegments(44100, [{ dbfs: -1, seconds: 2 }], { frequency: 9973 });
    const whole = truePeakOf(wave, 1 << 20);
    expect(truePeakOf(wave, 7)).toEqual(whole);
    expect(truePeakOf(wave, 4096)).toEqual(whole);
  });
});
