import type { AudioAnalysis } from './dsp/audio-analyzer';
import { masteringAdvice, resolveTarget } from './mastering-advice';

/** An analysis with the given headline figures (the rest clean). */
function analysis(figures: {
  integrated: number | null;
  truePeak: number | null;
  dr?: number | null;
  clipRuns?: number;
  dc?: number;
}): AudioAnalysis {
  return {
    format: {
      encoding: 'pcm_int',
      bits_per_sample: 24,
      sample_rate: 48000,
      channels: 2,
      channel_layout: ['L', 'R'],
      frames: 480000,
      duration_sec: 10,
    },
    loudness: {
      integrated_lufs: figures.integrated,
      momentary_max_lufs: figures.integrated,
      short_term_max_lufs: figures.integrated,
      loudness_range_lu: 3,
      true_peak_dbtp: figures.truePeak,
      sample_peak_dbfs: figures.truePeak,
      rms_dbfs: figures.integrated,
    },
    dynamics: {
      crest_factor_db: 12,
      dynamic_range_db: figures.dr ?? 7,
      peak_to_loudness_ratio_db: 10,
    },
    defects: {
      clipped_samples: (figures.clipRuns ?? 0) * 5,
      clip_runs: figures.clipRuns ?? 0,
      longest_clip_run: figures.clipRuns ? 9 : 0,
      dc_offset_max: Math.abs(figures.dc ?? 0),
      noise_floor_dbfs: -70,
    },
    spectrum: { centroid_hz: 2000, rolloff_85_hz: 6000, flatness: 0.1 },
    channels: ['L', 'R'].map((label, i) => ({
      label,
      loudness_weight: 1,
      sample_peak_dbfs: figures.truePeak,
      true_peak_dbtp: figures.truePeak,
      rms_dbfs: figures.integrated,
      dc_offset: i === 1 ? (figures.dc ?? 0) : 0,
      clipped_samples: 0,
      clip_runs: 0,
    })),
  };
}

const actions = (a: ReturnType<typeof masteringAdvice>) => a.map((step) => step.action);

describe('mastering advice', () => {
  it('advises the gain to the style target, and a limiter when the gained peaks pass −1 dBTP', () => {
    const advice = masteringAdvice(
      analysis({ integrated: -18.3, truePeak: -2 }),
      resolveTarget('modern_pop'),
    );
    expect(advice).toEqual([
      {
        action: 'gain',
        reason:
          'Integrated loudness −18.3 LUFS is 4.3 LU below the modern_pop target of −14.0 LUFS',
        next_step: 'Apply +4.3 dB of gain',
      },
      {
        action: 'limiter',
        reason:
          'After +4.3 dB of gain the true peak would reach +2.3 dBTP, above the −1.0 dBTP ceiling',
        next_step:
          'Put a true-peak limiter with its ceiling at −1.0 dBTP after the gain (about 3.3 dB of peak reduction)',
      },
    ]);
  });

  it('advises turning down a master above its target, with no limiter when peaks stay low', () => {
    const advice = masteringAdvice(
      analysis({ integrated: -6, truePeak: -0.5 }),
      resolveTarget('rock'),
    );
    expect(actions(advice)).toEqual(['gain']);
    expect(advice[0].next_step).toBe('Apply −6.0 dB of gain');
  });

  it('keeps the level within 0.5 LU of the target, but still limits hot peaks', () => {
    const advice = masteringAdvice(
      analysis({ integrated: -8.2, truePeak: 0.4 }),
      resolveTarget('electronic'),
    );
    expect(actions(advice)).toEqual(['keep_level', 'limiter']);
    expect(advice[1].reason).toBe('The true peak is +0.4 dBTP, above the −1.0 dBTP ceiling');
  });

  it('advises compression when the DR exceeds the style template', () => {
    const loose = analysis({ integrated: -14, truePeak: -3, dr: 13.5 });
    expect(actions(masteringAdvice(loose, resolveTarget('modern_pop')))).toContain('compression');
    // an acoustic recording may keep that much dynamics
    expect(actions(masteringAdvice(loose, resolveTarget('acoustic')))).not.toContain('compression');
  });

  it('warns of clipping and DC offset first, naming the channel', () => {
    const advice = masteringAdvice(
      analysis({ integrated: -14, truePeak: -2, clipRuns: 3, dc: -0.004 }),
      resolveTarget('modern_pop'),
    );
    expect(actions(advice)).toEqual(['clipping', 'dc_removal', 'keep_level']);
    expect(advice[0].reason).toBe(
      '3 clipped run(s): 15 samples flattened at full scale, the longest 9 samples',
    );
    expect(advice[1].reason).toBe('Channel R carries a DC offset of -0.40 % of full scale');
  });

  it('says there is nothing to master in a silent file', () => {
    expect(
      actions(masteringAdvice(analysis({ integrated: null, truePeak: null }), resolveTarget())),
    ).toEqual(['no_signal']);
  });

  it('resolves a custom target with the DR template of the nearest style (or the given one)', () => {
    expect(resolveTarget()).toEqual({
      style: 'modern_pop',
      target_lufs: -14,
      max_dynamic_range_db: 9,
    });
    expect(resolveTarget(undefined, -15.5)).toEqual({
      style: null,
      target_lufs: -15.5,
      max_dynamic_range_db: 14, // acoustic (−16) is the nearest
    });
    expect(resolveTarget('rock', -10)).toEqual({
      style: 'rock',
      target_lufs: -10,
      max_dynamic_range_db: 10,
    });
  });
});
