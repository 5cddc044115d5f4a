import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServedWhileDraining } from '../../core/http/http-drain';
import { ChatStore } from './chat-store.service';
import { OperatorChatStreamer } from './chat-streamer.service';
import { ChatBodyPipe, OperatorChatBody } from './dto/chat-body.pipe';
import { OperatorChatDto } from './dto/chat.dto';
import { OperatorChatService } from './operator-chat.service';
import { ApiErrors, ErrorSpec } from '../../core/http/openapi-errors';
import { ChatAnswerDto, ChatSessionDto } from './dto/operator-responses.dto';

const CHAT_ERRORS: ErrorSpec[] = [
  [400, 'Invalid body or empty message (validation_failed)'],
  [413, 'message over chat.maxMessageChars (message_too_long), or the body over bodyLimitBytes'],
  [429, 'Over the chat rate for the session or address (rate_limited, retry_after, Retry-After)'],
];

@ApiTags('operator')
@Controller('operator')
export class OperatorChatController {
  constructor(
    private readonly chat: OperatorChatService,
    private readonly streamer: OperatorChatStreamer,
    private readonly store: ChatStore,
  ) {}

  // CONTRACT §4: never a 5xx, not even during a graceful shutdown.
  @ApiOperation({
    operationId: 'operatorChat',
    summary: 'Chat: switch first, then madre, then the local responder; never a 5xx',
    description:
      'With `"stream": true` the answer comes as text/event-stream: a `start` event, unnamed ' +
      '`{"delta":"…"}` events, then `done` with the stored answer, or `error` when the provider ' +
      'broke off after the first piece.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiBody({ type: OperatorChatDto })
  @ApiOkResponse({ type: ChatAnswerDto })
  @ApiErrors(...CHAT_ERRORS)
  @Post('api/chat')
  @HttpCode(200)
  @ServedWhileDraining()
  async send(
    @Body(ChatBodyPipe) body: OperatorChatBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const input = {
      message: body.message,
      session_id: body.session_id ?? undefined, // null, as the DTO allows, means none
      correlationId: String(request.id),
      clientAddress: request.ip,
    };
    if (body.stream) return this.streamer.stream(input, reply);
    void reply.send(
      await this.chat.chat(body.message, input.session_id, input.correlationId, request.ip),
    );
  }

  /** Alias of POST /operator/api/chat. */
  @ApiOperation({ operationId: 'operatorChatAlias', summary: 'Alias of POST /operator/api/chat' })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiBody({ type: OperatorChatDto })
  @ApiOkResponse({ type: ChatAnswerDto })
  @ApiErrors(...CHAT_ERRORS)
  @Post('chat')
  @HttpCode(200)
  @ServedWhileDraining()
  sendAlias(
    @Body(ChatBodyPipe) body: OperatorChatBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(body, request, reply);
  }

  @ApiOperation({ operationId: 'getChatSession', summary: 'A chat session with its messages' })
  @ApiParam({ name: 'id', description: 'The session_id a chat answer gave' })
  @ApiOkResponse({ type: ChatSessionDto })
  @ApiErrors([404, 'No such session (session_not_found)'])
  @Get('session/:id')
  session(@Param('id') id: string) {
    return this.store.session(id);
  }
}
