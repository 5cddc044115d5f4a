import type FFT from 'fft.js';

/**
 * Spectral shape of the whole file, from its long-term average spectrum: the mono mix is cut
 * into consecutive Hann-windowed frames of ~85 ms (4096 samples at 44.1/48 kHz; a power of two
 * that scales with the rate), each transformed with fft.js, and their power spectra summed.
 * From that average (DC left out):
 * - centroid: the power-weighted mean frequency;
 * - rolloff: the frequency below which 85 % of the power lies;
 * - flatness: Wiener entropy, geometric over arithmetic mean of the power (1 for white noise,
 *   near 0 for a pure tone).
 * The ending part frame is zero-padded only when the file is shorter than one frame.
 */
export interface SpectralFigures {
  centroidHz: number | null;
  rolloff85Hz: number | null;
  flatness: number | null;
}

export const ROLLOFF_FRACTION = 0.85;
const FRAME_SEC = 0.085;

export class SpectrumAnalyzer {
  private readonly size: number;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly input: Float64Array;
  private readonly output: Float64Array;
  private readonly power: Float64Array;
  private fill = 0;
  private frames = 0;

  constructor(private readonly sampleRate: number) {
    this.size = 2 ** Math.round(Math.log2(sampleRate * FRAME_SEC));
    // Required here, not at import: shub sleeps by default and an idle VX11 analyses nothing.
    const Fft = require('fft.js') as typeof FFT;
    this.fft = new Fft(this.size);
    this.window = Float64Array.from(
      { length: this.size },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / this.size),
    );
    this.frame = new Float64Array(this.size);
    this.input = new Float64Array(this.size);
    this.output = new Float64Array(this.size * 2);
    this.power = new Float64Array(this.size / 2 + 1);
  }

  get frameSize(): number {
    return this.size;
  }

  process(channels: readonly Float64Array[], frames: number): void {
    const gain = 1 / channels.length;
    let done = 0;
    while (done < frames) {
      const take = Math.min(frames - done, this.size - this.fill);
      const mix = this.frame.subarray(this.fill, this.fill + take);
      mix.set(channels[0].subarray(done, done + take));
      for (let c = 1; c < channels.length; c++) {
        const x = channels[c];
        for (let i = 0; i < take; i++) mix[i] += x[done + i];
      }
      if (gain !== 1) for (let i = 0; i < take; i++) mix[i] *= gain;
      this.fill += take;
      done += take;
      if (this.fill === this.size) {
        this.transform();
        this.fill = 0;
      }
    }
  }

  private transform(): void {
    for (let i = 0; i < this.size; i++) this.input[i] = this.frame[i] * this.window[i];
    this.fft.realTransform(this.output, this.input);
    for (let k = 0; k < this.power.length; k++) {
      const re = this.output[2 * k];
      const im = this.output[2 * k + 1];
      this.power[k] += re * re + im * im;
    }
    this.frames++;
  }

  result(): SpectralFigures {
    if (this.frames === 0 && this.fill > 0) {
      this.frame.fill(0, this.fill);
      this.transform();
    }
    const binHz = this.sampleRate / this.size;
    let total = 0;
    let weighted = 0;
    let logSum = 0;
    const bins = this.power.length - 1;
    for (let k = 1; k <= bins; k++) {
      const p = this.power[k];
      total += p;
      weighted += p * k * binHz;
      logSum += Math.log(p + 1e-30);
    }
    if (!(total > 0)) return { centroidHz: null, rolloff85Hz: null, flatness: null };
    let cumulative = 0;
    let rolloff = bins * binHz;
    for (let k = 1; k <= bins; k++) {
      cumulative += this.power[k];
      if (cumulative >= ROLLOFF_FRACTION * total) {
        rolloff = k * binHz;
        break;
      }
    }
    return {
      centroidHz: weighted / total,
      rolloff85Hz: rolloff,
      flatness: Math.min(1, Math.exp(logSum / bins) / (total / bins)),
    };
  }
}
