import type { Job } from 'bullmq';
import { withCorrelationId } from '../../core/correlation/correlation';
import { JobName } from '../../core/queue/queue-names';
import type { ChatStreamHub } from './chat-stream-hub.service';
import type { ChatParams, ChatTurn, Provider } from './provider';
import { StreamBroken, type RoutedCompletion, type TierRouter } from './tier-router.service';

/** A chat routed through a tier's queue (switch, then madre); the worker answers with a Completion. */
export interface ChatJobData {
  messages: ChatTurn[];
  /** Epoch ms: the caller stops waiting then, so the worker stops trying providers. */
  deadline: number;
  timeout_ms: number;
  correlation_id: string | null;
  provider_hint?: string;
  /** Only this provider while it is available (an OpenAI `model` naming it). */
  pin?: string;
  /** The model to ask the pinned provider for. */
  model?: string;
  /** OpenAI request fields passed through to the provider. */
  params?: ChatParams;
  /** Stream the answer to the caller through the ChatStreamHub, keyed by the job id. */
  stream?: boolean;
  /** The hub key of a streaming job (set by the caller before the job id exists). */
  stream_id?: string;
}

export const CHAT_JOB = JobName.Chat;

/**
 * The one chat-job handler both tiers' workers run: tries that tier's providers under the
 * caller's correlation id; a throw fails the job and the caller falls back to the next tier.
 * A streaming job sends its pieces through the hub and its outcome as the last event.
 */
export function runTierChatJob(
  router: TierRouter,
  tier: Provider['tier'],
  job: Job<ChatJobData>,
  hub: ChatStreamHub,
): Promise<RoutedCompletion> {
  const { messages, deadline, timeout_ms, correlation_id, provider_hint, pin, model, params } =
    job.data;
  const options = { deadline, timeoutMs: timeout_ms, hint: provider_hint, pin, model, params };
  return withCorrelationId(correlation_id ?? job.id ?? `${tier}-job`, async () => {
    const streamId = job.data.stream_id;
    if (!job.data.stream || !streamId) return router.complete(tier, messages, options);
    const outlet = hub.outletHere(streamId) ?? (await hub.attach(streamId));
    let started = false;
    try {
      const completion = await router.complete(tier, messages, {
        ...options,
        signal: outlet.signal,
        onDelta: (delta, provider) => {
          if (!started) {
            started = true;
            outlet.emit({ t: 'start', provider: provider.name, model: model ?? provider.model });
          }
          outlet.emit({ t: 'delta', c: delta.content });
        },
      });
      if (!started) {
        // a provider that streamed nothing but [DONE]: still a start, then the (empty) end
        outlet.emit({ t: 'start', provider: completion.provider, model: completion.model });
      }
      outlet.emit({ t: 'end', completion });
      return completion;
    } catch (err) {
      outlet.emit({
        t: 'fail',
        message: (err as Error).message,
        started: started || err instanceof StreamBroken,
      });
      throw err;
    } finally {
      outlet.close();
    }
  });
}
