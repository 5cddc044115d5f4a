import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../core/http/openapi-errors';
import { ChatWindowOpenDto } from '../madre/power/dto/open-window.dto';
import {
  WindowClosedDto,
  WindowOpenedDto,
  WindowTargetStatusDto,
} from '../madre/power/dto/power-responses.dto';
import { WindowRequests } from '../madre/power/window-requests.service';

/** The operator's chat window: wakes switch, the chat tier, through madre's window system. */
@ApiTags('operator')
@Controller('operator/api/chat/window')
export class ChatWindowController {
  constructor(private readonly windows: WindowRequests) {}

  @ApiOperation({
    operationId: 'openChatWindow',
    summary: 'Wake switch for chat (a window of ttl_sec, default 600 s)',
  })
  @ApiOkResponse({ type: WindowOpenedDto })
  @ApiErrors(
    [400, 'Invalid body, or ttl_sec over max_ttl_sec (invalid_ttl)'],
    [409, 'A window is already open (window_already_open)'],
    [422, 'switch is not in the allowlist (service_not_allowed)'],
  )
  @Post('open')
  @HttpCode(200)
  openChat(@Body() body: ChatWindowOpenDto) {
    return this.windows.openChat(body);
  }
  @ApiOperation({ operationId: 'closeChatWindow', summary: 'Close the open window' })
  @ApiOkResponse({ type: WindowClosedDto })
  @ApiErrors([404, 'No window open (no_open_window)'])
  @Post('close')
  @HttpCode(200)
  closeChat() {
    return this.windows.closeChat();
  }
  @ApiOperation({
    operationId: 'getChatWindowStatus',
    summary: 'Whether switch (the chat tier) is up and in the open window',
  })
  @ApiOkResponse({ type: WindowTargetStatusDto })
  @Get('status')
  chatStatus() {
    return this.windows.statusOf('switch');
  }
}
