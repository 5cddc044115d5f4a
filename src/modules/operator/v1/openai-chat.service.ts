import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../core/errors/api-error';
import { CoreErrors } from '../../../core/errors/core-errors';
import { ChatErrors } from '../chat-errors';
import { EngineRegistry } from '../../hermes/engine-registry.service';
import { ChainStreamBroken, PinnedProvider } from '../../madre/chat/chat-chain.service';
import { ChatSse } from '../chat-sse';
import { LOCAL_MODEL } from '../../madre/chat/local-responder';
import { OperatorChatService } from '../operator-chat.service';
import { OpenAiChatRequest } from './openai-chat-body.pipe';
import { timeOrderedId } from '../../../core/util/time-ordered-id';

/** The model that runs the whole chain: switch → madre → local. */
export const AUTO_MODEL = 'vx11-auto';
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Who is asking: from the request, not its body. */
export interface OpenAiCaller {
  correlationId: string;
  clientAddress: string;
  /** `x-vx11-session-id`, when sent. */
  sessionHeader?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * The OpenAI-compatible API over the chat chain: `vx11-auto` runs the whole chain; a model
 * naming a provider pins it (see ChatChain). Answers a `chat.completion`, or streams
 * `chat.completion.chunk` events ending in `data: [DONE]` — or, when the provider broke off
 * after the first chunk, in an error event the SDKs raise, never in a clean end.
 */
@Injectable()
export class OpenAiChatService {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly chat: OperatorChatService,
  ) {}

  /** GET /v1/models: vx11-auto, then every provider's model as `provider/model`. */
  models() {
    const created = now();
    const ids = new Map<string, string>([[AUTO_MODEL, 'vx11']]);
    for (const p of this.engines.list()) {
      for (const model of [p.model, ...(p.models ?? [])]) ids.set(`${p.name}/${model}`, p.name);
    }
    return {
      object: 'list' as const,
      data: [...ids].map(([id, owner]) => ({
        id,
        object: 'model' as const,
        created,
        owned_by: owner,
      })),
    };
  }

  async complete(
    request: OpenAiChatRequest,
    caller: OpenAiCaller,
    reply: FastifyReply,
  ): Promise<void> {
    const { body, turns, params } = request;
    const pin = this.pin(body.model, body.fallback === true);
    const sessionId = this.session(caller.sessionHeader, body.user);
    await this.chat.admit(
      sessionId ?? `v1:${timeOrderedId()}`,
      caller.clientAddress,
      sessionId === undefined,
    );
    const exchange = {
      message: [...turns].reverse().find((t) => t.role === 'user')!.content,
      messages: turns,
      sessionId,
      correlationId: caller.correlationId,
      params,
      pin,
    };
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    if (body.stream) return this.stream(id, exchange, body.stream_options?.include_usage, reply);

    const answer = await this.chat.exchange(exchange);
    void reply
      .header('x-vx11-fallback-source', answer.fallback_source)
      .header('x-vx11-provider', answer.provider)
      .send({
        id,
        object: 'chat.completion',
        created: now(),
        model: answer.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.response, refusal: null },
            logprobs: null,
            finish_reason: answer.finish_reason,
          },
        ],
        usage: answer.usage,
        ...(sessionId ? { vx11_session_id: sessionId } : {}),
        ...(answer.fallback_reason ? { vx11_fallback_reason: answer.fallback_reason } : {}),
      });
  }

  private async stream(
    id: string,
    exchange: Parameters<OperatorChatService['exchange']>[0],
    includeUsage: boolean | undefined,
    reply: FastifyReply,
  ): Promise<void> {
    const sse = new ChatSse(reply);
    const created = now();
    let model = LOCAL_MODEL;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      sse.send(
        JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra }),
      );
    try {
      const answer = await this.chat.exchange(exchange, {
        signal: sse.signal,
        start: (meta) => {
          model = meta.model;
          sse.open({ 'x-vx11-fallback-source': meta.source, 'x-vx11-provider': meta.provider });
          chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
        },
        delta: (text) => chunk([{ index: 0, delta: { content: text }, finish_reason: null }]),
      });
      chunk([{ index: 0, delta: {}, finish_reason: answer.finish_reason }]);
      if (includeUsage) chunk([], { usage: answer.usage });
      sse.send('[DONE]');
    } catch (err) {
      if (!sse.started) throw err; // nothing sent yet: an ordinary (OpenAI-shaped) error reply
      sse.send(
        JSON.stringify({
          error: {
            message:
              err instanceof ChainStreamBroken
                ? `the answer broke off: ${err.message}`
                : 'the answer broke off',
            type: 'server_error',
            code: 'stream_failed',
            param: null,
          },
        }),
      );
    } finally {
      sse.end();
    }
  }

  /** `vx11-auto` (or none): the chain; a provider name, `provider/model` or a model id: pinned. */
  private pin(model: string | undefined, fallback: boolean): PinnedProvider | undefined {
    if (!model || model === AUTO_MODEL) return undefined;
    const providers = this.engines.list();
    const exact = providers.find((p) => p.name === model);
    if (exact) return { provider: exact, fallback };
    const slash = model.indexOf('/');
    if (slash > 0) {
      const provider = providers.find((p) => p.name === model.slice(0, slash));
      if (provider) return { provider, model: model.slice(slash + 1), fallback };
    }
    const serving = providers.find((p) => p.model === model);
    if (serving) return { provider: serving, fallback };
    throw new ApiError(
      ChatErrors.model_not_found,
      `The model ${model} does not exist here: use ${AUTO_MODEL}, a provider name or provider/model (GET /v1/models)`,
    );
  }

  /** The session an exchange is recorded in: `x-vx11-session-id`, else `user:<user>`, else none. */
  private session(header: string | undefined, user: string | undefined): string | undefined {
    if (header !== undefined) {
      if (!SESSION_ID.test(header)) {
        throw new ApiError(
          CoreErrors.validation_failed,
          'x-vx11-session-id must be 1-128 characters of [A-Za-z0-9._:-]',
          [{ field: 'x-vx11-session-id', errors: ['must be 1-128 characters of [A-Za-z0-9._:-]'] }],
        );
      }
      return header;
    }
    if (!user) return undefined;
    return `user:${user.replace(/[^A-Za-z0-9._:-]/g, '-')}`.slice(0, 128);
  }
}
