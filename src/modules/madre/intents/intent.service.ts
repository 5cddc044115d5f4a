import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../core/config/app-config';
import {
  currentCorrelationId,
  isWellFormedCorrelationId,
  withCorrelationId,
} from '../../../core/correlation/correlation';
import { CoreErrors } from '../../../core/errors/core-errors';
import { IntentErrors } from './intent-errors';
import { ApiError } from '../../../core/errors/api-error';
import { EventBus } from '../../../core/events/event-bus.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { guarded } from '../../../core/util/guarded';
import { nestsDeeperThan } from '../../../core/util/nesting';
import { TierRouter } from '../../hermes/tier-router.service';
import { WindowService } from '../power/window.service';
import { confirmTokenMatches, hashConfirmToken, newConfirmToken } from './confirm-token';
import { PlanExecutor } from './plan-executor.service';
import { PlanStepEntity } from './plan-step.entity';
import {
  FINAL_PLAN_STATUSES,
  INTENT_TYPES,
  IntentSource,
  PlanEntity,
  PlanStatus,
} from './plan.entity';
import { PlanMetrics } from './plan-metrics';
import { PlanRepository } from './plan.repository';
import { adoptLlmPlan, IntentRequest, PlannerEnv, planIntent } from './planner';
import { LlmPlanner } from './llm-planner.service';
import { PlanView, viewOfPlan } from './plan-view';

/** How often WAITING plans past their token's expiry are marked EXPIRED. */
const EXPIRY_SWEEP_MS = 30_000;
const MAX_REQUIRE = 8;

export interface SubmittedPlan extends PlanView {
  /** Returned once, for MED/HIGH plans; only its sha256 is kept. */
  confirm_token?: string;
}

/**
 * Madre's intents (CONTRACT §5): submit → a plan of typed steps with a risk and an explanation;
 * LOW runs at once, MED/HIGH waits for a single-use, expiring confirm token. Other modules
 * (hormiguero escalations, MCP tools) call submit() directly with their own source.
 */
@Injectable()
export class IntentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Intents');
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: PlanRepository,
    private readonly executor: PlanExecutor,
    private readonly registry: ModuleRegistry,
    private readonly router: TierRouter,
    private readonly windows: WindowService,
    private readonly events: EventBus,
    private readonly llm: LlmPlanner,
    private readonly metrics: PlanMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(
      guarded('plan expiry sweep', () => this.expireDue(), { logger: this.logger }),
      EXPIRY_SWEEP_MS,
    );
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /**
   * Plans an intent, stores it and (LOW) queues it or (MED/HIGH) issues its confirm token.
   * 400 for a malformed intent (fields named), 422 for one that cannot be planned.
   */
  async submit(intent: IntentRequest, source: IntentSource): Promise<SubmittedPlan> {
    this.check(intent);
    const correlationId = intent.correlation_id ?? currentCorrelationId() ?? randomUUID();
    return withCorrelationId(correlationId, () => this.create(intent, source, correlationId));
  }

  private async create(
    intent: IntentRequest,
    source: IntentSource,
    correlationId: string,
  ): Promise<SubmittedPlan> {
    const env: PlannerEnv = {
      isActive: (m) => this.registry.isActive(m),
      switchHasProviders: this.router.hasProviders('switch'),
      wakeTtlSec: Math.min(this.config.intents.wakeTtlSec, this.config.window.maxTtlSec),
      maxWindowTtlSec: this.config.window.maxTtlSec,
      windowAllowlist: this.windows.allowlist,
    };
    let plan = planIntent(intent, env);
    let planner: PlanEntity['planner'] = 'keyword';
    const proposal = await this.llm.propose(intent, plan);
    if (proposal?.ok) {
      plan = adoptLlmPlan(intent, plan, proposal, env);
      planner = 'madre_llm';
    } else if (proposal) {
      plan.explanation += ` (The madre-tier plan was not used: ${proposal.reason}.)`;
    }
    const now = new Date();
    const id = randomUUID();
    const waits = plan.risk !== 'LOW';
    const token = waits ? newConfirmToken() : null;
    const row: PlanEntity = {
      id,
      correlation_id: correlationId,
      intent_type: intent.intent_type,
      text: intent.text ?? null,
      payload: intent.payload ?? null,
      require: intent.require ?? [],
      priority: intent.priority ?? 0,
      source,
      status: waits ? 'WAITING' : 'PENDING',
      risk: plan.risk,
      planner,
      risk_reasons: plan.riskReasons,
      explanation: plan.explanation,
      parsed: plan.parsed ? { ...plan.parsed } : null,
      decision_id: randomUUID(),
      confirm_hash: token?.hash ?? null,
      confirm_expires_at: waits
        ? new Date(now.getTime() + this.config.intents.confirmTtlSec * 1000).toISOString()
        : null,
      confirmed_at: null,
      error: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      started_at: null,
      finished_at: null,
    };
    const steps: PlanStepEntity[] = plan.steps.map((s, seq) => ({
      id: randomUUID(),
      plan_id: id,
      seq,
      type: s.type,
      params: s.params,
      cleanup: s.cleanup === true,
      status: 'PENDING',
      output: null,
      error: null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
    }));
    await this.repo.create(row, steps);
    this.events.emit('plan.created', 'madre', {
      plan_id: id,
      intent_type: row.intent_type,
      source,
      risk: row.risk,
      status: row.status,
      steps: steps.map((s) => s.type),
    });
    this.events.emit('madre.decision.explained', 'madre', {
      decision_id: row.decision_id,
      summary: plan.explanation,
      confidence: plan.confidence,
      plan_id: id,
      risk: row.risk,
    });
    if (waits) {
      this.events.emit('plan.waiting', 'madre', {
        plan_id: id,
        risk: row.risk,
        risk_reasons: row.risk_reasons,
        expires_at: row.confirm_expires_at,
      });
    } else {
      await this.executor.enqueue(id, false, row.priority);
    }
    const view = viewOfPlan((await this.repo.get(id)) ?? row, steps);
    return token ? { ...view, confirm_token: token.token } : view;
  }

  /**
   * Spends the confirm token and queues the plan. A wrong or used token → 403 and the plan
   * stays WAITING; an expired one → 403 and the plan becomes EXPIRED.
   */
  async confirm(id: string, token: string): Promise<PlanView> {
    const plan = await this.find(id);
    const now = new Date().toISOString();
    if (plan.status === 'WAITING' && plan.confirm_expires_at && plan.confirm_expires_at <= now) {
      await this.repo.expireDue(now);
      throw this.expired(plan);
    }
    if (plan.status === 'EXPIRED') throw this.expired(plan);
    if (plan.status !== 'WAITING' || !confirmTokenMatches(token, plan.confirm_hash)) {
      throw new ApiError(
        IntentErrors.invalid_confirm_token,
        `The confirm token is not valid for plan ${id}`,
        undefined,
        {
          plan_id: id,
          status: plan.status,
        },
      );
    }
    if (!(await this.repo.spendToken(id, hashConfirmToken(token), now))) {
      // Lost a race with another confirm (or the expiry): the token is spent either way.
      throw new ApiError(
        IntentErrors.invalid_confirm_token,
        `The confirm token is not valid for plan ${id}`,
      );
    }
    await withCorrelationId(plan.correlation_id, () =>
      this.executor.enqueue(id, false, plan.priority),
    );
    return this.get(id);
  }

  /** Cancels a plan that has not finished: at once if it waits, after its current step if running. */
  async cancel(id: string): Promise<PlanView> {
    const plan = await this.find(id);
    if (FINAL_PLAN_STATUSES.includes(plan.status)) {
      throw new ApiError(
        IntentErrors.plan_finished,
        `Plan ${id} already ended ${plan.status}`,
        undefined,
        {
          plan_id: id,
          status: plan.status,
        },
      );
    }
    if (plan.status === 'RUNNING') {
      this.executor.requestCancel(id);
      return this.get(id);
    }
    const now = new Date().toISOString();
    const changed = await this.repo.transition(id, ['WAITING', 'PENDING'], {
      status: 'CANCELLED',
      confirm_hash: null,
      finished_at: now,
    });
    if (!changed) return this.cancel(id); // it started meanwhile
    await this.repo.skipPending(id);
    this.metrics.planFinished('CANCELLED', plan.risk);
    withCorrelationId(plan.correlation_id, () =>
      this.events.emit('plan.completed', 'madre', {
        plan_id: id,
        status: 'CANCELLED',
        risk: plan.risk,
      }),
    );
    return this.get(id);
  }

  async get(id: string): Promise<PlanView> {
    const plan = await this.find(id);
    return viewOfPlan(plan, await this.repo.stepsOf(id));
  }

  /** GET /vx11/result/:correlation_id: the newest plan with that correlation id. */
  async resultFor(correlationId: string): Promise<PlanView> {
    await this.expireDue();
    const plan = await this.repo.byCorrelation(correlationId);
    if (!plan) {
      throw new ApiError(
        IntentErrors.plan_not_found,
        `No plan with correlation id ${correlationId}`,
      );
    }
    return viewOfPlan(plan, await this.repo.stepsOf(plan.id));
  }

  async list(query: { status?: PlanStatus; limit: number; before?: string }) {
    await this.expireDue();
    const plans = await this.repo.page(query);
    const steps = await this.repo.stepsOfMany(plans.map((p) => p.id));
    const views = plans.map((p) => viewOfPlan(p, steps.get(p.id) ?? []));
    return {
      plans: views,
      count: views.length,
      limit: query.limit,
      next_before: views.length === query.limit ? views[views.length - 1].created_at : null,
    };
  }

  /** Marks WAITING plans past their expiry EXPIRED (and says so on the bus). */
  async expireDue(): Promise<void> {
    for (const { id, risk } of await this.repo.expireDue(new Date().toISOString())) {
      this.metrics.planFinished('EXPIRED', risk);
      this.events.emit('plan.completed', 'madre', { plan_id: id, status: 'EXPIRED', risk });
    }
  }

  private async find(id: string): Promise<PlanEntity> {
    await this.expireDue();
    const plan = await this.repo.get(id);
    if (!plan) throw new ApiError(IntentErrors.plan_not_found, `No plan with id ${id}`);
    return plan;
  }

  private expired(plan: PlanEntity): ApiError {
    return new ApiError(
      IntentErrors.confirm_token_expired,
      `The confirm token of plan ${plan.id} expired at ${plan.confirm_expires_at}`,
      undefined,
      {
        plan_id: plan.id,
        status: 'EXPIRED',
      },
    );
  }

  /** The checks an intent gets from any caller (the HTTP DTO repeats the shape checks). */
  private check(intent: IntentRequest): void {
    const problems: Array<{ field: string; errors: string[] }> = [];
    const limits = this.config.intents;
    if (!INTENT_TYPES.includes(intent.intent_type)) {
      problems.push({
        field: 'intent_type',
        errors: [`intent_type must be one of ${INTENT_TYPES.join(', ')}`],
      });
    }
    if (
      intent.text !== undefined &&
      (typeof intent.text !== 'string' || intent.text.length > limits.maxTextChars)
    ) {
      problems.push({
        field: 'text',
        errors: [`text must be a string of at most ${limits.maxTextChars} characters`],
      });
    }
    if (intent.payload !== undefined) {
      if (
        typeof intent.payload !== 'object' ||
        intent.payload === null ||
        Array.isArray(intent.payload)
      ) {
        problems.push({ field: 'payload', errors: ['payload must be an object'] });
      } else if (nestsDeeperThan(intent.payload, limits.maxPayloadDepth)) {
        problems.push({
          field: 'payload',
          errors: [`payload must not nest deeper than ${limits.maxPayloadDepth} levels`],
        });
      } else if (Buffer.byteLength(JSON.stringify(intent.payload)) > limits.maxPayloadBytes) {
        problems.push({
          field: 'payload',
          errors: [`payload must be at most ${limits.maxPayloadBytes} bytes as JSON`],
        });
      }
    }
    if (
      intent.require !== undefined &&
      (!Array.isArray(intent.require) ||
        intent.require.length > MAX_REQUIRE ||
        intent.require.some((r) => typeof r !== 'string'))
    ) {
      problems.push({
        field: 'require',
        errors: [`require must be a list of at most ${MAX_REQUIRE} module names`],
      });
    }
    if (
      intent.priority !== undefined &&
      !(Number.isInteger(intent.priority) && intent.priority >= 0 && intent.priority <= 10)
    ) {
      problems.push({ field: 'priority', errors: ['priority must be an integer from 0 to 10'] });
    }
    if (intent.correlation_id !== undefined && !isWellFormedCorrelationId(intent.correlation_id)) {
      problems.push({
        field: 'correlation_id',
        errors: ['correlation_id must be 1-128 characters of A-Z a-z 0-9 . _ : -'],
      });
    }
    if (problems.length > 0) {
      throw new ApiError(
        CoreErrors.validation_failed,
        `Invalid fields: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
  }
}
