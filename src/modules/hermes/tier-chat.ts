import type { ChatTurn } from './provider';
import { NoProviderAnswered, TierRouter } from './tier-router.service';

/** What a direct tier call needs from its request body. */
export interface TierChatRequest {
  messages: ChatTurn[];
  provider_hint?: string;
}

/**
 * POST /switch/chat and POST /madre/chat: one tier called directly. A tier with no answer is a
 * normal outcome here (`status:"failed"` with the reason), not a server error.
 */
export async function chatWithTier(
  router: TierRouter,
  tier: 'switch' | 'madre',
  body: TierChatRequest,
  timeoutMs: number,
) {
  try {
    const answer = await router.complete(tier, body.messages, {
      timeoutMs,
      deadline: Date.now() + timeoutMs,
      hint: body.provider_hint,
    });
    return {
      status: 'ok',
      provider: answer.provider,
      model: answer.model,
      content: answer.content,
      latency_ms: answer.latency_ms,
      tokens_used: answer.tokens_used,
      ...(answer.attempts.length > 1 || answer.downgrade
        ? {
            fallback_reason: [
              answer.downgrade,
              answer.attempts.length > 1
                ? NoProviderAnswered.describe(answer.attempts.slice(0, -1))
                : undefined,
            ]
              .filter(Boolean)
              .join('; '),
          }
        : {}),
    };
  } catch (err) {
    if (!(err instanceof NoProviderAnswered)) throw err;
    return {
      status: 'failed',
      provider: null,
      model: null,
      content: null,
      latency_ms: null,
      tokens_used: 0,
      fallback_reason: err.message,
    };
  }
}
