import { Injectable } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { ENV_OVERRIDES } from '../../core/config/env-overrides';
import { PROJECT_ROOT } from '../../core/config/project-root';
import { nativeDb } from '../../core/database/native-db';
import { PassiveLifecycle } from '../../core/registry/passive-lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { withTimeout } from '../../core/util/with-timeout';
import { newestBackup } from '../madre/maintenance/backup-rotation';
import { dataPaths } from '../madre/maintenance/data-paths';
import { PowerService } from '../madre/power/power.service';
import { LocalResponder } from '../madre/chat/local-responder';
import { backupsFresh } from './gates/backups-fresh.gate';
import { chatSwitchFirst } from './gates/chat-switch-first.gate';
import { correlationIdFlow } from './gates/correlation-flow.gate';
import { dbIntegrity } from './gates/db-integrity.gate';
import { degradedFallback } from './gates/degraded-fallback.gate';
import { dormantPolicyGates } from './gates/dormant-policy.gate';
import { failed, GateReport, GateResult, ok, skipped } from './gates/gate';
import { noHardcodedSecrets } from './gates/no-hardcoded-secrets.gate';
import { noStubs } from './gates/no-stubs.gate';
import { Inject } from './gates/probe';
import { shubCalibration } from './gates/shub-calibration.gate';
import { singleEntrypoint } from './gates/single-entrypoint.gate';
import { soloMadreDefault } from './gates/solo-madre-default.gate';
import { tokenGuardEnforced } from './gates/token-guard.gate';
import { HormigueroBridge } from './hormiguero-bridge';
import { declaredRoutes, routeKey } from './manifest';
import { ManifestService } from './manifest.service';
import { ManifestatorMetrics } from './manifestator-metrics';
import { LiveRoute, RouteInventory } from './route-inventory.service';
import { probeHeaders } from '../../core/http/probe-requests';

export interface RailsReport {
  checked_at: string;
  /** pass: no gate failed (skipped gates do not fail the rails). */
  status: 'pass' | 'fail';
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  duration_ms: number;
  gates: GateReport[];
}

interface GateDef {
  name: string;
  description: string;
  run: () => GateResult | Promise<GateResult>;
}

/**
 * GET /manifestator/rails: every invariant gate computed at request time from the running
 * process — its sockets, route table, registry, database, ledger and modules — each bounded
 * by manifestator.gateTimeoutMs and reported with its evidence (and its reason unless ok).
 */
@Injectable()
export class RailsService {
  private last: RailsReport | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly inventory: RouteInventory,
    private readonly manifests: ManifestService,
    private readonly registry: ModuleRegistry,
    private readonly power: PowerService,
    private readonly moduleRef: ModuleRef,
    private readonly hormiguero: HormigueroBridge,
    private readonly metrics: ManifestatorMetrics,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** The last evaluation (for the scorecard's live source); undefined before the first. */
  lastReport(): RailsReport | undefined {
    return this.last;
  }

  async evaluate(): Promise<RailsReport> {
    const started = performance.now();
    const gates = await Promise.all(this.gates().map((g) => this.runGate(g)));
    const count = (s: string) => gates.filter((g) => g.status === s).length;
    const report: RailsReport = {
      checked_at: new Date().toISOString(),
      status: count('failed') > 0 ? 'fail' : 'pass',
      passed: count('ok'),
      failed: count('failed'),
      skipped: count('skipped'),
      total: gates.length,
      duration_ms: Math.round(performance.now() - started),
      gates,
    };
    this.last = report;
    this.metrics.rails(gates);
    return report;
  }

  private async runGate(gate: GateDef): Promise<GateReport> {
    const t0 = performance.now();
    let result: GateResult;
    try {
      result = await withTimeout(
        Promise.resolve().then(gate.run),
        this.config.manifestator.gateTimeoutMs,
        gate.name,
      );
    } catch (err) {
      result = failed(`the check itself failed: ${(err as Error).message}`, {});
    }
    return {
      name: gate.name,
      description: gate.description,
      ...result,
      duration_ms: Math.round(performance.now() - t0),
    };
  }

  private get fastify(): FastifyInstance {
    return this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
  }

  private readonly inject: Inject = async (req) => {
    const res = await this.fastify.inject({
      method: req.method as 'GET',
      url: req.url,
      headers: { ...req.headers, ...probeHeaders() },
      payload: req.payload,
    });
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  };

  private authHeaders(): Record<string, string> {
    return this.config.authMode === 'token' && this.config.token
      ? { 'x-vx11-token': this.config.token }
      : {};
  }

  private httpPort(): number | null {
    const address = this.adapterHost.httpAdapter.getHttpServer()?.address?.();
    return typeof address === 'object' && address ? address.port : null;
  }

  /** Live routes that belong to a module: its own (@OwnedBy or its controllers) or declared. */
  private routesOf(module: string, live: LiveRoute[], declared: Map<string, string>) {
    return live.filter(
      (r) =>
        r.owned_by === module ||
        (r.owned_by === null && r.host_module === module) ||
        (r.owned_by === null &&
          r.host_module === null &&
          declared.get(routeKey(r.method, r.path)) === module),
    );
  }

  private gates(): GateDef[] {
    const live = this.inventory.list();
    const manifest = this.manifests.load();
    const declared = new Map(
      declaredRoutes(manifest).map((r) => [routeKey(r.method, r.path), r.module]),
    );
    const modules = this.registry.list();
    return [
      {
        name: 'single_entrypoint',
        description: 'this process listens on exactly one TCP port: the HTTP server’s',
        run: () => singleEntrypoint(this.httpPort()),
      },
      {
        name: 'solo_madre_default',
        description:
          'the default policy is solo_madre, it is applied, and only core modules (plus an open window’s) are active',
        run: () => {
          const state = this.power.state();
          return soloMadreDefault({
            defaultPolicy: this.config.defaultPolicy,
            defaultPolicyMembers: this.config.policies[this.config.defaultPolicy] ?? [],
            appliedPolicy: state.policy,
            windowId: state.window_id,
            windowServices: state.window_services,
            modules: modules.map((e) => ({
              name: e.meta.name,
              category: e.meta.category,
              state: e.state,
            })),
          });
        },
      },
      {
        name: 'token_guard_enforced',
        description:
          'auth mode is token and every route not declared public refuses a request without it',
        run: () =>
          tokenGuardEnforced({
            authMode: this.config.authMode,
            routes: live,
            publicKeys: this.manifests.publicKeys(manifest),
            inject: this.inject,
          }),
      },
      {
        name: 'no_hardcoded_secrets',
        description:
          'config files and the effective config hold no secret values, only env-var names',
        run: () =>
          noHardcodedSecrets({
            configDir: join(PROJECT_ROOT, 'config'),
            extraFiles: [process.env.VX11_CONFIG_FILE, this.manifests.path].filter(
              (f): f is string =>
                !!f && existsSync(f) && !f.startsWith(join(PROJECT_ROOT, 'config') + '/'),
            ),
            effective: this.config,
            envFedPaths: new Set(
              ENV_OVERRIDES.filter((o) => process.env[o.env] !== undefined).map((o) => o.path),
            ),
          }),
      },
      {
        name: 'db_integrity',
        description: 'PRAGMA quick_check on the live database answers ok',
        run: () => dbIntegrity(nativeDb(this.db)),
      },
      {
        name: 'correlation_id_flow',
        description:
          'a probe request’s correlation id is echoed and found on the ledger row it produced',
        run: () =>
          correlationIdFlow({
            inject: this.inject,
            authHeaders: this.authHeaders(),
            ledgerCorrelationOf: async (eventId) => {
              const row = nativeDb(this.db)
                .prepare('SELECT correlation_id FROM events WHERE event_id = ?')
                .get(eventId) as { correlation_id: string | null } | undefined;
              return row === undefined ? undefined : row.correlation_id;
            },
          }),
      },
      {
        name: 'dormant_policy_gates',
        description:
          'every route of every optional module is refused (503 module_dormant) while it is dormant',
        run: () =>
          dormantPolicyGates({
            optional: modules
              .filter((e) => e.meta.category === 'optional')
              .map((e) => ({ name: e.meta.name, state: e.state })),
            routesOf: (m) => this.routesOf(m, live, declared),
            inject: this.inject,
            authHeaders: this.authHeaders(),
          }),
      },
      {
        name: 'degraded_fallback',
        description: 'the local degraded responder answers with the real system state',
        run: () => {
          let responder: LocalResponder;
          try {
            responder = this.moduleRef.get(LocalResponder, { strict: false });
          } catch {
            return failed('no local responder is registered', {});
          }
          return degradedFallback(
            (m) => responder.reply(m, 'manifestator rails probe'),
            this.power.state().policy,
          );
        },
      },
      {
        name: 'backups_fresh',
        description: 'a verified backup younger than manifestator.backupMaxAgeSec exists',
        run: () =>
          backupsFresh(
            newestBackup(dataPaths(this.config.dataDir)),
            this.config.manifestator.backupMaxAgeSec,
          ),
      },
      {
        name: 'no_stubs',
        description:
          'every registered module owns live routes or runs workers beyond its lifecycle',
        run: () =>
          noStubs(
            modules.map((e) => ({
              name: e.meta.name,
              routes: this.routesOf(e.meta.name, live, declared).length,
              runs_workers: e.lifecycle !== undefined && !(e.lifecycle instanceof PassiveLifecycle),
            })),
          ),
      },
      {
        name: 'chat_switch_first',
        description:
          'with a switch-tier provider and switch active, a probe chat is answered by switch',
        run: () =>
          chatSwitchFirst({
            switchProviders: this.config.providers
              .filter((p) => p.tier === 'switch')
              .map((p) => p.name),
            switchState: this.registry.state('switch'),
            inject: this.inject,
            authHeaders: this.authHeaders(),
          }),
      },
      {
        name: 'hormiguero_incidents',
        description:
          'a synthetic hormiguero finding opens an incident that resolves after the clean scans',
        run: async () => {
          const state = this.hormiguero.state;
          if (state !== 'active') {
            return skipped(
              `hormiguero is ${state}: its finding → incident path runs while it is active`,
            );
          }
          const result = await this.hormiguero.selfTest();
          if (!result) return skipped('hormiguero offers no incident self-test');
          const evidence = { ...result };
          return result.ok
            ? ok(evidence)
            : failed(
                result.reason ?? 'the synthetic finding did not open and resolve an incident',
                evidence,
              );
        },
      },
      {
        name: 'shub_calibration',
        description: 'shub’s BS.1770 meter reads a 1 kHz −23 dBFS stereo tone as −23.0 ± 0.1 LUFS',
        run: () => shubCalibration(),
      },
    ];
  }
}
