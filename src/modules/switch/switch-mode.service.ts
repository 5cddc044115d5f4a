import { Injectable } from '@nestjs/common';
import { AppConfig, SWITCH_MODES, SwitchMode } from '../../core/config/app-config';

/** CONTRACT §3: each mode sets the per-call provider timeout. */
export const MODE_TIMEOUT_MS: Record<SwitchMode, number> = {
  ECO: 5000,
  BALANCED: 8000,
  'HIGH-PERF': 15000,
  CRITICAL: 30000,
};

/** The switch's operating mode (POST /switch/control). */
@Injectable()
export class SwitchModeService {
  private current: SwitchMode;

  constructor(config: AppConfig) {
    this.current = config.switch.defaultMode;
  }

  get mode(): SwitchMode {
    return this.current;
  }

  get timeoutMs(): number {
    return MODE_TIMEOUT_MS[this.current];
  }

  set(mode: SwitchMode): void {
    this.current = mode;
  }

  modes() {
    return SWITCH_MODES.map((mode) => ({ mode, timeout_ms: MODE_TIMEOUT_MS[mode] }));
  }
}
