import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ChainStreamBroken } from '../madre/chat/chat-chain.service';
import { ChatSse } from './chat-sse';
import { OperatorChatService } from './operator-chat.service';
import { timeOrderedId } from '../../core/util/time-ordered-id';

/** What POST /operator/api/chat needs to stream an answer. */
export interface OperatorChatRequest {
  message: string;
  session_id?: string;
  correlationId: string;
  clientAddress: string;
}

/**
 * POST /operator/api/chat with `"stream": true`, as Server-Sent Events: `start` (session, who
 * answers), then unnamed events `{"delta": "..."}` as the answer arrives, then `done` with the
 * stored answer — or `error` when the provider failed after the first piece (never a clean
 * end). Validation and rate limits are ordinary JSON errors, since nothing was sent yet.
 */
@Injectable()
export class OperatorChatStreamer {
  constructor(private readonly chat: OperatorChatService) {}

  async stream(request: OperatorChatRequest, reply: FastifyReply): Promise<void> {
    const sse = new ChatSse(reply);
    const session = request.session_id ?? timeOrderedId();
    try {
      const answer = await this.chat.chat(
        request.message,
        session,
        request.correlationId,
        request.clientAddress,
        {
          signal: sse.signal,
          start: (meta) => {
            sse.open({
              'x-vx11-fallback-source': meta.source,
              'x-vx11-provider': meta.provider,
            });
            sse.send(
              JSON.stringify({
                session_id: session,
                correlation_id: request.correlationId,
                fallback_source: meta.source,
                provider: meta.provider,
                model: meta.model,
              }),
              'start',
            );
          },
          delta: (text) => sse.send(JSON.stringify({ delta: text })),
        },
      );
      sse.send(JSON.stringify(answer), 'done');
    } catch (err) {
      if (!sse.started) throw err; // nothing sent yet: the ordinary error reply
      const message = err instanceof ChainStreamBroken ? err.message : 'the answer broke off';
      sse.send(
        JSON.stringify({
          error: 'stream_failed',
          message,
          correlation_id: request.correlationId,
        }),
        'error',
      );
    } finally {
      sse.end();
    }
  }
}
