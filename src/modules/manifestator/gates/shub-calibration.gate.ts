import { LoudnessMeter } from '../../shubniggurath/dsp/bs1770-loudness';
import { feedInBlocks, sineSegments } from '../../shubniggurath/dsp/test-signals';
import { failed, GateResult, ok } from './gate';

export const CALIBRATION = {
  sampleRate: 48000,
  seconds: 5,
  dbfs: -23,
  target: -23,
  tolerance: 0.1,
};

/**
 * shub_calibration: shub's BS.1770 meter reads a generated 1 kHz, −23 dBFS stereo tone as
 * −23.0 ± 0.1 LUFS (EBU Tech 3341's first case).
 */
export function shubCalibration(): GateResult {
  const { sampleRate, seconds, dbfs, target, tolerance } = CALIBRATION;
  const tone = sineSegments(sampleRate, [{ dbfs, seconds }], { channels: 2, frequency: 1000 });
  const meter = new LoudnessMeter(sampleRate, [1, 1]);
  feedInBlocks(tone, sampleRate / 10, (block, frames) => meter.process(block, frames));
  const measured = meter.result().integratedLufs;
  const evidence = {
    signal: `1 kHz sine, ${dbfs} dBFS, stereo, ${seconds} s at ${sampleRate} Hz`,
    integrated_lufs: Number.isFinite(measured) ? Math.round(measured * 1000) / 1000 : null,
    target_lufs: target,
    tolerance_lu: tolerance,
  };
  if (!Number.isFinite(measured) || Math.abs(measured - target) > tolerance) {
    return failed(
      `measured ${evidence.integrated_lufs} LUFS, outside ${target} ± ${tolerance}`,
      evidence,
    );
  }
  return ok(evidence);
}
