import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ServedWhileDraining } from '../../core/http/http-drain';
import { ChatStore } from './chat-store.service';
import { OperatorChatDto } from './dto/chat.dto';
import { OperatorChatService } from './operator-chat.service';
import { ApiErrors } from '../../core/http/openapi-errors';
import { ChatAnswerDto, ChatSessionDto } from './dto/operator-responses.dto';

@ApiTags('operator')
@Controller('operator')
export class OperatorChatController {
  constructor(
    private readonly chat: OperatorChatService,
    private readonly store: ChatStore,
  ) {}

  // CONTRACT §4: never a 5xx, not even during a graceful shutdown.
  @ApiOperation({
    operationId: 'operatorChat',
    summary: 'Chat: switch first, then madre, then the local responder; never a 5xx',
  })
  @ApiOkResponse({ type: ChatAnswerDto })
  @ApiErrors(
    [400, 'Invalid body or empty message (validation_failed)'],
    [413, 'message over chat.maxMessageChars (message_too_long), or the body over bodyLimitBytes'],
    [429, 'Over the chat rate for the session or address (rate_limited, retry_after, Retry-After)'],
  )
  @Post('api/chat')
  @HttpCode(200)
  @ServedWhileDraining()
  send(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.chat.chat(body.message, body.session_id, String(request.id), request.ip);
  }

  /** Alias of POST /operator/api/chat. */
  @ApiOperation({ operationId: 'operatorChatAlias', summary: 'Alias of POST /operator/api/chat' })
  @ApiOkResponse({ type: ChatAnswerDto })
  @ApiErrors(
    [400, 'Invalid body or empty message (validation_failed)'],
    [413, 'message over chat.maxMessageChars (message_too_long), or the body over bodyLimitBytes'],
    [429, 'Over the chat rate for the session or address (rate_limited, retry_after, Retry-After)'],
  )
  @Post('chat')
  @HttpCode(200)
  @ServedWhileDraining()
  sendAlias(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.send(body, request);
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
