import type { AudioAnalysis } from './dsp/audio-analyzer';

/** One step of mastering advice; each is also announced as a `shub.action.narrated` event. */
export interface MasteringAction {
  action: string;
  reason: string;
  next_step: string;
}

export interface StyleTemplate {
  /** Integrated loudness the master should reach. */
  target_lufs: number;
  /** Largest TT "DR" the style wears before compression is advised. */
  max_dynamic_range_db: number;
}

/** The styles of the contract, with the DR a typical master of each stays within. */
export const STYLES = {
  modern_pop: { target_lufs: -14, max_dynamic_range_db: 9 },
  rock: { target_lufs: -12, max_dynamic_range_db: 10 },
  electronic: { target_lufs: -8, max_dynamic_range_db: 8 },
  acoustic: { target_lufs: -16, max_dynamic_range_db: 14 },
} as const satisfies Record<string, StyleTemplate>;

export type StyleName = keyof typeof STYLES;
export const STYLE_NAMES = Object.keys(STYLES) as StyleName[];
export const DEFAULT_STYLE: StyleName = 'modern_pop';

/** Streaming platforms' usual ceiling: true peaks above it distort after lossy encoding. */
export const TRUE_PEAK_CEILING_DBTP = -1;
/** Closer than this to the target, no gain change is advised. */
export const LEVEL_TOLERANCE_LU = 0.5;
/** A DC offset above this (−60 dBFS) costs headroom and thumps at edits. */
export const DC_OFFSET_LIMIT = 0.001;

export interface Target {
  /** The named style, or null for a custom target. */
  style: StyleName | null;
  target_lufs: number;
  max_dynamic_range_db: number;
}

/**
 * What a job aims at: a style's template, a custom `target_lufs` (which keeps the DR template of
 * the style given, or of the style whose target is nearest), or modern_pop by default.
 */
export function resolveTarget(style?: StyleName, targetLufs?: number): Target {
  if (targetLufs === undefined) {
    const name = style ?? DEFAULT_STYLE;
    return { style: name, ...STYLES[name] };
  }
  const template =
    style !== undefined
      ? STYLES[style]
      : Object.values(STYLES).reduce((best, s) =>
          Math.abs(s.target_lufs - targetLufs) < Math.abs(best.target_lufs - targetLufs) ? s : best,
        );
  return {
    style: style ?? null,
    target_lufs: targetLufs,
    max_dynamic_range_db: template.max_dynamic_range_db,
  };
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;
const level = (value: number) => `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(1)}`;

/**
 * Mastering advice for an analysed file against its target: the gain to reach the target, a
 * true-peak limiter when the gained peaks would pass −1 dBTP, compression when the DR exceeds
 * the style's template, DC removal, clipping warnings.
 */
export function masteringAdvice(analysis: AudioAnalysis, target: Target): MasteringAction[] {
  const { integrated_lufs: integrated, true_peak_dbtp: truePeak } = analysis.loudness;
  const aim = target.style
    ? `the ${target.style} target of ${level(target.target_lufs)} LUFS`
    : `the target of ${level(target.target_lufs)} LUFS`;
  const advice: MasteringAction[] = [];

  if (analysis.defects.clip_runs > 0) {
    const d = analysis.defects;
    advice.push({
      action: 'clipping',
      reason: `${d.clip_runs} clipped run(s): ${d.clipped_samples} samples flattened at full scale, the longest ${d.longest_clip_run} samples`,
      next_step:
        'Go back to an unclipped mix or lower its level before the limiter: mastering cannot restore clipped peaks',
    });
  }

  const dcChannels = analysis.channels.filter((c) => Math.abs(c.dc_offset) > DC_OFFSET_LIMIT);
  if (dcChannels.length > 0) {
    const worst = dcChannels.reduce((a, b) =>
      Math.abs(b.dc_offset) > Math.abs(a.dc_offset) ? b : a,
    );
    advice.push({
      action: 'dc_removal',
      reason: `Channel ${worst.label} carries a DC offset of ${(worst.dc_offset * 100).toFixed(2)} % of full scale${dcChannels.length > 1 ? ` (${dcChannels.length} channels affected)` : ''}`,
      next_step: 'Remove the DC offset (a 10–20 Hz high-pass) before any gain or limiting',
    });
  }

  if (integrated === null) {
    advice.push({
      action: 'no_signal',
      reason: 'Nothing in the file passes the −70 LUFS gate: it is silent or nearly',
      next_step: 'Check the export: there is no programme to master in this file',
    });
    return advice;
  }

  const gain = target.target_lufs - integrated;
  if (Math.abs(gain) < LEVEL_TOLERANCE_LU) {
    advice.push({
      action: 'keep_level',
      reason: `Integrated loudness ${level(integrated)} LUFS is within ${LEVEL_TOLERANCE_LU} LU of ${aim}`,
      next_step: 'No gain change needed',
    });
  } else {
    advice.push({
      action: 'gain',
      reason: `Integrated loudness ${level(integrated)} LUFS is ${Math.abs(gain).toFixed(1)} LU ${gain > 0 ? 'below' : 'above'} ${aim}`,
      next_step: `Apply ${signed(gain)} dB of gain`,
    });
  }

  if (truePeak !== null) {
    const applied = Math.abs(gain) < LEVEL_TOLERANCE_LU ? 0 : gain;
    const peakAfter = truePeak + applied;
    if (peakAfter > TRUE_PEAK_CEILING_DBTP) {
      advice.push({
        action: 'limiter',
        reason:
          applied === 0
            ? `The true peak is ${signed(truePeak)} dBTP, above the ${level(TRUE_PEAK_CEILING_DBTP)} dBTP ceiling`
            : `After ${signed(applied)} dB of gain the true peak would reach ${signed(peakAfter)} dBTP, above the ${level(TRUE_PEAK_CEILING_DBTP)} dBTP ceiling`,
        next_step: `Put a true-peak limiter with its ceiling at ${level(TRUE_PEAK_CEILING_DBTP)} dBTP after the gain (about ${(peakAfter - TRUE_PEAK_CEILING_DBTP).toFixed(1)} dB of peak reduction)`,
      });
    }
  }

  const dr = analysis.dynamics.dynamic_range_db;
  if (dr !== null && dr > target.max_dynamic_range_db) {
    advice.push({
      action: 'compression',
      reason: `Dynamic range DR ${dr.toFixed(1)} exceeds the ${target.style ?? 'target'} template's DR ${target.max_dynamic_range_db}`,
      next_step: `Compress gently (about 2:1, slow attack, 2–3 dB of gain reduction) to bring the DR towards ${target.max_dynamic_range_db} before the limiter`,
    });
  }
  return advice;
}
