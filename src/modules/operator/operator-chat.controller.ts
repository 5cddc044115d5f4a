import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
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

  @Post('api/chat')
  @HttpCode(200)
  send(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.chat.chat(body.message, body.session_id, String(request.id));
  }

  /** Alias of POST /operator/api/chat. */
  @Post('chat')
  @HttpCode(200)
  sendAlias(@Body() body: OperatorChatDto, @Req() request: FastifyRequest) {
    return this.send(body, request);
  }

  @Get('session/:id')
  session(@Param('id') id: string) {
    return this.store.session(id);
  }
}
