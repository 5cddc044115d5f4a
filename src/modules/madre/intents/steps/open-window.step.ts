import { Injectable } from '@nestjs/common';
import { ModuleRegistry } from '../../../../core/registry/module-registry.service';
import { WindowService } from '../../power/window.service';
import { planWindowReason } from '../step-spec';
import { StepContext, StepFailed, StepRunner } from './step-runner';

/**
 * OPEN_WINDOW: opens a power window for the target (window rules apply: allowlist, max TTL, one
 * window at a time). A wake step whose module is already up opens nothing; a re-run after a
 * restart finds the window it opened by its reason.
 */
@Injectable()
export class OpenWindowStep implements StepRunner {
  readonly type = 'OPEN_WINDOW' as const;

  constructor(
    private readonly windows: WindowService,
    private readonly registry: ModuleRegistry,
  ) {}

  async run({ plan, step }: StepContext) {
    const services = (step.params.services as string[]).map(String);
    const target = services.join(',');
    const reason = planWindowReason(plan.id, step.seq);
    const current = this.windows.current();
    if (current?.reason === reason) {
      return {
        opened: true,
        window_id: current.id,
        target,
        deadline: current.deadline,
        resumed: true,
      };
    }
    if (step.params.wake === true && services.every((s) => this.registry.isActive(s))) {
      return { opened: false, target, note: `${target} already active` };
    }
    const ttlSec = Number(step.params.ttl_sec);
    const opened = await this.windows.open({ services, mode: 'ttl', ttlSec, reason });
    if (opened.services_failed.length > 0) {
      await this.windows.close(
        opened.window_id,
        'manual_close',
        `plan ${plan.id}: module failed to start`,
      );
      throw new StepFailed(`${target} failed to start in window ${opened.window_id}`, {
        opened: false,
        window_id: opened.window_id,
        services_failed: opened.services_failed,
      });
    }
    return {
      opened: true,
      window_id: opened.window_id,
      target,
      deadline: opened.deadline,
      services_started: opened.services_started,
    };
  }
}
