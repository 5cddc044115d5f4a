/**
 * Signals the unit specs and the bench generate for themselves (no audio files are shipped).
 * A segment is a steady sine at a peak level in dBFS for a duration.
 */
export interface Segment {
  dbfs: number;
  seconds: number;
}

/** Consecutive sine segments (phase continuous), the same in every channel. */
export function sineSegments(
  sampleRate: number,
  segments: readonly Segment[],
  options: { channels?: number; frequency?: number; phase?: number } = {},
): Float64Array[] {
  const channels = options.channels ?? 2;
  const frequency = options.frequency ?? 1000;
  const frames = segments.reduce((n, s) => n + Math.round(s.seconds * sampleRate), 0);
  const signal = new Float64Array(frames);
  // A rotating phasor rather than Math.sin per sample (much faster, and exact to ~1e-12 here).
  const step = (2 * Math.PI * frequency) / sampleRate;
  const cosStep = Math.cos(step);
  const sinStep = Math.sin(step);
  let re = Math.cos(options.phase ?? 0);
  let im = Math.sin(options.phase ?? 0);
  let at = 0;
  for (const segment of segments) {
    const amplitude = 10 ** (segment.dbfs / 20);
    const end = at + Math.round(segment.seconds * sampleRate);
    for (; at < end; at++) {
      signal[at] = amplitude * im;
      const next = re * cosStep - im * sinStep;
      im = re * sinStep + im * cosStep;
      re = next;
    }
    // renormalise once per segment so rounding cannot drift the amplitude
    const norm = 1 / Math.sqrt(re * re + im * im);
    re *= norm;
    im *= norm;
  }
  return Array.from({ length: channels }, () => signal.slice());
}

/** Feeds planar audio to `sink` in blocks of `blockFrames`, as a file reader would. */
export function feedInBlocks(
  planar: readonly Float64Array[],
  blockFrames: number,
  sink: (block: Float64Array[], frames: number) => void,
): void {
  const total = planar[0].length;
  for (let at = 0; at < total; at += blockFrames) {
    const frames = Math.min(blockFrames, total - at);
    sink(
      planar.map((channel) => channel.subarray(at, at + frames)),
      frames,
    );
  }
}

/** A deterministic pseudo-random generator (mulberry32), for reproducible noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A music-like test signal: tones across the spectrum (60 Hz to 12 kHz) under a slow amplitude
 * envelope plus a little noise — what the sample-rate agreement checks need, since a K-weighting
 * error at one rate would show at the low and high tones.
 */
export function musicLike(
  sampleRate: number,
  seconds: number,
  channels = 2,
  seed = 7,
): Float64Array[] {
  const random = seededRandom(seed);
  const frames = Math.round(seconds * sampleRate);
  const tones = [60, 220, 1000, 3500, 8000, 12000];
  const gains = [0.3, 0.25, 0.2, 0.12, 0.08, 0.05];
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float64Array(frames);
    // Each tone (and the envelope) as a rotating phasor: no Math.sin per sample.
    const freqs = [0.25, ...tones];
    const re = freqs.map((_, k) => Math.cos(k + c));
    const im = freqs.map((_, k) => Math.sin(k + c));
    const cosStep = freqs.map((f) => Math.cos((2 * Math.PI * f) / sampleRate));
    const sinStep = freqs.map((f) => Math.sin((2 * Math.PI * f) / sampleRate));
    for (let i = 0; i < frames; i++) {
      let v = 0;
      for (let k = 0; k < freqs.length; k++) {
        const r = re[k] * cosStep[k] - im[k] * sinStep[k];
        im[k] = re[k] * sinStep[k] + im[k] * cosStep[k];
        re[k] = r;
        if (k > 0) v += gains[k - 1] * im[k];
      }
      const envelope = 0.6 + 0.4 * im[0];
      out[i] = 0.5 * envelope * v + 0.01 * (random() * 2 - 1);
    }
    return out;
  });
}
