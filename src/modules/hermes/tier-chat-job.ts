import type { Job } from 'bullmq';
import { withCorrelationId } from '../../core/correlation/correlation';
import { JobName } from '../../core/queue/queue-names';
import type { ChatTurn, Provider } from './provider';
import type { TierRouter } from './tier-router.service';

/** A chat routed through a tier's queue (switch, then madre); the worker answers with a Completion. */
export interface ChatJobData {
  messages: ChatTurn[];
  /** Epoch ms: the caller stops waiting then, so the worker stops trying providers. */
  deadline: number;
  timeout_ms: number;
  correlation_id: string | null;
  provider_hint?: string;
}

export const CHAT_JOB = JobName.Chat;

/**
 * The one chat-job handler both tiers' workers run: tries that tier's providers under the
 * caller's correlation id; a throw fails the job and the caller falls back to the next tier.
 */
export function runTierChatJob(router: TierRouter, tier: Provider['tier'], job: Job<ChatJobData>) {
  const { messages, deadline, timeout_ms, correlation_id, provider_hint } = job.data;
  return withCorrelationId(correlation_id ?? job.id ?? `${tier}-job`, () =>
    router.complete(tier, messages, { deadline, timeoutMs: timeout_ms, hint: provider_hint }),
  );
}
