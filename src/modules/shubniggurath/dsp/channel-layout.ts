/**
 * Which speaker each channel feeds, and its BS.1770-4 weight (table 3): 1.0 for the front
 * channels, 1.41 (+1.5 dB) for the surrounds, LFE left out (0). The speakers come from the
 * WAVE_FORMAT_EXTENSIBLE channel mask when the file has one (channels in the order of its set
 * bits, Microsoft KSAUDIO_SPEAKER_* values), else from the usual order for the channel count
 * (5.1 = L R C LFE Ls Rs, 7.1 = L R C LFE Lb Rb Ls Rs).
 */
export interface ChannelInfo {
  label: string;
  weight: number;
}

const SPEAKER_BITS: ReadonlyArray<[bit: number, label: string]> = [
  [0x1, 'L'],
  [0x2, 'R'],
  [0x4, 'C'],
  [0x8, 'LFE'],
  [0x10, 'Lb'],
  [0x20, 'Rb'],
  [0x40, 'Lc'],
  [0x80, 'Rc'],
  [0x100, 'Cb'],
  [0x200, 'Ls'],
  [0x400, 'Rs'],
  [0x800, 'Tc'],
  [0x1000, 'Tfl'],
  [0x2000, 'Tfc'],
  [0x4000, 'Tfr'],
  [0x8000, 'Tbl'],
  [0x10000, 'Tbc'],
  [0x20000, 'Tbr'],
];

const DEFAULT_ORDER: Record<number, string[]> = {
  1: ['M'],
  2: ['L', 'R'],
  3: ['L', 'R', 'C'],
  4: ['L', 'R', 'Lb', 'Rb'],
  5: ['L', 'R', 'C', 'Ls', 'Rs'],
  6: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
  7: ['L', 'R', 'C', 'LFE', 'Cb', 'Ls', 'Rs'],
  8: ['L', 'R', 'C', 'LFE', 'Lb', 'Rb', 'Ls', 'Rs'],
};

const SURROUND = new Set(['Lb', 'Rb', 'Cb', 'Ls', 'Rs']);

export function weightOf(label: string): number {
  if (label === 'LFE') return 0;
  return SURROUND.has(label) ? 1.41 : 1.0;
}

export function channelLayout(channels: number, mask: number | null): ChannelInfo[] {
  let labels: string[];
  if (mask) {
    labels = SPEAKER_BITS.filter(([bit]) => (mask & bit) !== 0).map(([, label]) => label);
    labels = labels.slice(0, channels);
    while (labels.length < channels) labels.push(`ch${labels.length + 1}`);
  } else {
    labels = DEFAULT_ORDER[channels] ?? Array.from({ length: channels }, (_, i) => `ch${i + 1}`);
  }
  return labels.map((label) => ({ label, weight: weightOf(label) }));
}
