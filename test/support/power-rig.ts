import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AppConfig } from '../../src/core/config/app-config';
import { EventBus, VxEvent } from '../../src/core/events/event-bus.service';
import { HumanLogService } from '../../src/core/logging/human-log.service';
import { HealthReport, ModuleLifecycle } from '../../src/core/registry/lifecycle';
import { MODULE_NAMES, OPTIONAL_MODULES } from '../../src/core/registry/module-catalog';
import { ModuleRegistry } from '../../src/core/registry/module-registry.service';
import { ModuleStateEntity } from '../../src/core/registry/module-state.entity';
import { freezeClock } from './frozen-clock';
import { MadreSettingEntity } from '../../src/modules/madre/power/madre-setting.entity';
import { ModulePowerService } from '../../src/modules/madre/power/module-power.service';
import { PolicyStore } from '../../src/modules/madre/power/policy-store';
import { PowerEventEntity } from '../../src/modules/madre/power/power-event.entity';
import { PowerLock } from '../../src/modules/madre/power/power-lock';
import { PowerService } from '../../src/modules/madre/power/power.service';
import { WindowExpiryScheduler } from '../../src/modules/madre/power/window-expiry.scheduler';
import { PowerWindowEntity } from '../../src/modules/madre/power/window.entity';
import { WindowService } from '../../src/modules/madre/power/window.service';

/**
 * Madre's power manager for unit specs: the real WindowService, PowerService, ModulePowerService,
 * PolicyStore and lock over the real schema in an in-memory SQLite database, with modules whose
 * lifecycles record what they were asked, an expiry scheduler fired by hand, and events and
 * architect lines captured.
 */

export const ALLOWLIST = ['switch', 'hermes', 'spawner', 'mcp'];
export const POLICIES = {
  solo_madre: [],
  operative_core: ['switch', 'hermes'],
  full: [...OPTIONAL_MODULES],
};

/** A module that starts and stops at once, noting each step in the shared journal. */
export class RecordingLifecycle implements ModuleLifecycle {
  failActivate: string | null = null;

  constructor(
    readonly name: string,
    private readonly journal: string[],
  ) {}

  async activate(): Promise<void> {
    this.journal.push(`activate ${this.name}`);
    if (this.failActivate) throw new Error(this.failActivate);
  }

  async deactivate(): Promise<void> {
    this.journal.push(`deactivate ${this.name}`);
  }

  async health(): Promise<HealthReport> {
    return { ok: true, detail: 'fine' };
  }
}

/** The window expiry timers, armed and fired by the test instead of the clock. */
export class ManualExpiry {
  readonly armed = new Map<string, number>();
  cancelledAll = 0;
  private handler: ((windowId: string) => Promise<void>) | undefined;

  onExpire(handler: (windowId: string) => Promise<void>): void {
    this.handler = handler;
  }
  schedule(windowId: string, deadlineMs: number): void {
    this.armed.set(windowId, deadlineMs);
  }
  cancel(windowId: string): void {
    this.armed.delete(windowId);
  }
  cancelAll(): void {
    this.cancelledAll += 1;
    this.armed.clear();
  }
  /** What the timer (or the queued job) does when it fires. */
  fire(windowId: string): Promise<void> {
    this.armed.delete(windowId);
    return this.handler!(windowId);
  }
}

export interface PowerRig {
  db: DataSource;
  registry: ModuleRegistry;
  lifecycles: Map<string, RecordingLifecycle>;
  /** Every activate/deactivate, in the order the modules were asked. */
  journal: string[];
  modulePower: ModulePowerService;
  policies: PolicyStore;
  expiry: ManualExpiry;
  events: VxEvent[];
  architect: string[];
  windows: WindowService;
  power: PowerService;
  windowRow(id: string): Promise<PowerWindowEntity | null>;
}

export async function openPowerDb(): Promise<DataSource> {
  return new DataSource({
    type: 'better-sqlite3',
    database: ':memory:',
    entities: [PowerWindowEntity, PowerEventEntity, ModuleStateEntity, MadreSettingEntity],
    migrations: MIGRATIONS,
    migrationsRun: true,
  }).initialize();
}

/** A fresh process's power manager; pass the database of an earlier one to model a restart. */
export async function powerRig(db?: DataSource): Promise<PowerRig> {
  db ??= await openPowerDb();
  const config = {
    legacyPorts: {},
    window: { allowlist: ALLOWLIST, maxTtlSec: 3600 },
    policies: POLICIES,
    defaultPolicy: 'solo_madre',
  } as unknown as AppConfig;
  const registry = new ModuleRegistry(config);
  const journal: string[] = [];
  const lifecycles = new Map(
    MODULE_NAMES.map((name) => [name, new RecordingLifecycle(name, journal)]),
  );
  for (const lifecycle of lifecycles.values()) registry.attach(lifecycle);
  const bus = new EventBus();
  const events: VxEvent[] = [];
  bus.subscribe((e) => void events.push(e));
  const architect: string[] = [];
  const humanLog = {
    write: (file: string, event: string, message: string) => {
      if (file === 'architect') architect.push(`${event}: ${message}`);
    },
  } as HumanLogService;
  const modulePower = new ModulePowerService(
    registry,
    bus,
    humanLog,
    db.getRepository(ModuleStateEntity),
    db.getRepository(PowerEventEntity),
  );
  const policies = new PolicyStore(config, db.getRepository(MadreSettingEntity));
  const lock = new PowerLock();
  const expiry = new ManualExpiry();
  const windows = new WindowService(
    config,
    registry,
    modulePower,
    policies,
    lock,
    expiry as unknown as WindowExpiryScheduler,
    bus,
    humanLog,
    db.getRepository(PowerWindowEntity),
  );
  const power = new PowerService(registry, modulePower, policies, windows, lock, humanLog);
  return {
    db,
    registry,
    lifecycles,
    journal,
    modulePower,
    policies,
    expiry,
    events,
    architect,
    windows,
    power,
    windowRow: (id) => db.getRepository(PowerWindowEntity).findOneBy({ id }),
  };
}

/**
 * One fresh power rig per test at a frozen clock, with Nest's logger quiet; `current()` gives
 * the test's rig. Unit specs of the power manager share this setup.
 */
export function usePowerRig(at: string): () => PowerRig {
  let rig: PowerRig;
  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    freezeClock(at);
    rig = await powerRig();
  });
  afterEach(async () => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    await rig.db.destroy();
  });
  return () => rig;
}
