import { Injectable } from '@nestjs/common';
import { ChatChain } from '../../chat/chat-chain.service';
import { StepContext, StepRunner } from './step-runner';

/**
 * CALL_SWITCH: one chat through the normal chain (CONTRACT §4) — switch, then madre, then the
 * local degraded responder — the same chain the operator chat and /v1 use. It never fails: the
 * answer says which tier gave it and why the others did not.
 */
@Injectable()
export class CallSwitchStep implements StepRunner {
  readonly type = 'CALL_SWITCH' as const;

  constructor(private readonly chain: ChatChain) {}

  async run({ plan, step }: StepContext) {
    const message = String(step.params.message);
    const answer = await this.chain.run({
      messages: [{ role: 'user', content: message }],
      correlationId: plan.correlation_id,
      prompt: message,
    });
    return {
      fallback_source: answer.source,
      degraded: answer.source !== 'switch',
      provider: answer.provider,
      model: answer.model,
      response: answer.content,
      tokens_used: answer.usage.total_tokens,
      ...(answer.reason ? { fallback_reason: answer.reason } : {}),
    };
  }
}
