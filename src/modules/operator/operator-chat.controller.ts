import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ServedWhileDraining } from '../../core/http/http-drain';
import { ChatStore } from './chat-store.service';
import { OperatorChatDto } from './dto/chat.dto';
import { OperatorChatService } from './operator-chat.service';

@ApiTags('operator')
@Controller('operator')
export class OperatorChatController {
  constructor(
    private readonly chat: OperatorChatService,
    private readonly store: ChatStore,
  ) {}

  // CONTRACT §4: never a 5xx, not even during a graceful shutdown.
  @Post('api/chat')
  @HttpCode(200)
  @ServedWhileDraining()
  send(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.chat.chat(body.message, body.session_id, String(request.id), request.ip);
  }

  /** Alias of POST /operator/api/chat. */
  @Post('chat')
  @HttpCode(200)
  @ServedWhileDraining()
  sendAlias(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.send(body, request);
  }

  @Get('session/:id')
  session(@Param('id') id: string) {
    return this.store.session(id);
  }
}
