import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { describeError } from '../../../core/util/guarded';
import { TierRouter } from '../../hermes/tier-router.service';
import { checkLlmPlan, LLM_PLAN_PROMPT, LlmPlanCheck } from './llm-plan';
import { IntentRequest, Plan } from './planner';

/**
 * Asks a madre-tier provider for a structured plan, when one is configured and
 * intents.llmPlanner is on. Its answer is only a proposal: checkLlmPlan validates it, and the
 * deterministic plan stands whenever it is missing, late or invalid.
 */
@Injectable()
export class LlmPlanner {
  private readonly logger = new Logger('LlmPlanner');

  constructor(
    private readonly config: AppConfig,
    private readonly router: TierRouter,
  ) {}

  get available(): boolean {
    return this.config.intents.llmPlanner && this.router.hasProviders('madre');
  }

  async propose(intent: IntentRequest, deterministic: Plan): Promise<LlmPlanCheck | null> {
    if (!this.available) return null;
    const timeoutMs = this.config.intents.llmPlanTimeoutMs;
    const request = {
      intent: {
        intent_type: intent.intent_type,
        text: intent.text ?? null,
        payload: intent.payload ?? {},
      },
      keyword_plan: deterministic.steps.map((s) => ({ type: s.type, params: s.params })),
    };
    try {
      const answer = await this.router.complete(
        'madre',
        [
          { role: 'system', content: LLM_PLAN_PROMPT },
          { role: 'user', content: JSON.stringify(request) },
        ],
        { deadline: Date.now() + timeoutMs, timeoutMs },
      );
      return checkLlmPlan(answer.content, {
        windowAllowlist: this.config.window.allowlist,
        maxTtlSec: this.config.window.maxTtlSec,
        maxTextChars: this.config.intents.maxTextChars,
      });
    } catch (err) {
      this.logger.debug(`no madre-tier plan: ${describeError(err)}`);
      return { ok: false, reason: `no madre-tier answer (${describeError(err)})` };
    }
  }
}
