import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { currentCorrelationId } from '../../../core/correlation/correlation';
import { EventBus } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { ModuleLifecycle, ModuleState } from '../../../core/registry/lifecycle';
import { ModuleRegistry, ModuleStateWriter } from '../../../core/registry/module-registry.service';
import { ModuleStateEntity } from '../../../core/registry/module-state.entity';
import { describeError } from '../../../core/util/guarded';
import { withTimeout } from '../../../core/util/with-timeout';
import { PowerEventEntity } from './power-event.entity';

/**
 * The longest a module's activate() or deactivate() may take unless its lifecycle says
 * otherwise. They run under madre's power lock, so a step that hangs must not hold every later
 * window and policy change: the module is marked failed instead. A worker's drain (5 s) and
 * force close fit well within it.
 */
export const LIFECYCLE_STEP_TIMEOUT_MS = 15_000;

/**
 * The only writer of module state. Drives a module through off → starting → active and
 * active → stopping → off (or failed), persisting and announcing every transition.
 * Transitions of one module are serialized; different modules proceed in parallel.
 */
@Injectable()
export class ModulePowerService {
  private readonly logger = new Logger('Power');
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly stateWriter: ModuleStateWriter;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly events: EventBus,
    private readonly humanLog: HumanLogService,
    @InjectRepository(ModuleStateEntity) private readonly states: Repository<ModuleStateEntity>,
    @InjectRepository(PowerEventEntity) private readonly history: Repository<PowerEventEntity>,
  ) {
    this.stateWriter = registry.claimStateWriter();
  }

  /** Starts a module; resolves true when it is active (already active counts). */
  activate(name: string, reason: string): Promise<boolean> {
    return this.serialize(name, async () => {
      const current = this.registry.state(name);
      if (current === 'active') return true;
      const lifecycle = this.registry.get(name).lifecycle;
      await this.transition(name, 'starting', reason);
      try {
        if (!lifecycle) throw new Error('module has no lifecycle attached');
        await withTimeout(lifecycle.activate(), stepTimeout(lifecycle), `${name} activate`);
      } catch (err) {
        await this.transition(name, 'failed', reason, messageOf(err));
        return false;
      }
      await this.transition(name, 'active', reason);
      return true;
    });
  }

  /** Stops a module and frees what it owns; resolves true when it is off. */
  deactivate(name: string, reason: string): Promise<boolean> {
    return this.serialize(name, async () => {
      const current = this.registry.state(name);
      if (current === 'off') return true;
      const lifecycle = this.registry.get(name).lifecycle;
      await this.transition(name, 'stopping', reason);
      try {
        if (lifecycle) {
          await withTimeout(lifecycle.deactivate(), stepTimeout(lifecycle), `${name} deactivate`);
        }
      } catch (err) {
        await this.transition(name, 'failed', reason, messageOf(err));
        return false;
      }
      await this.transition(name, 'off', reason);
      return true;
    });
  }

  private async transition(
    name: string,
    to: ModuleState,
    reason: string,
    error: string | null = null,
  ): Promise<void> {
    const from = this.registry.state(name);
    const at = new Date().toISOString();
    this.stateWriter.set(name, to, at, error);
    const correlationId = currentCorrelationId() ?? null;
    await this.states.upsert({ name, state: to, since: at, last_error: error }, ['name']);
    await this.history.insert({
      module: name,
      from_state: from,
      to_state: to,
      reason,
      error,
      correlation_id: correlationId,
      at,
    });
    this.events.emit(
      'module.state.changed',
      'madre',
      { module: name, from, to, reason, ...(error ? { error } : {}) },
      to === 'failed' ? 'error' : 'info',
    );
    if (to === 'active' || to === 'off' || to === 'failed') {
      const message = `${name} ${from} -> ${to} (${reason})${error ? `: ${error}` : ''}`;
      this.humanLog.write('architect', to === 'failed' ? 'POWER FAILURE' : 'POWER', message);
      if (to === 'failed') this.logger.error(message);
    }
  }

  private serialize<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(name, next);
    return next;
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : describeError(err));

const stepTimeout = (lifecycle: ModuleLifecycle) =>
  lifecycle.stepTimeoutMs ?? LIFECYCLE_STEP_TIMEOUT_MS;
