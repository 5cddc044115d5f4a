import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { TierRouter } from '../../hermes/tier-router.service';
import { TierChatDto } from '../../switch/dto/switch.dto';
import { SwitchModeService } from '../../switch/switch-mode.service';
import { chatWithTier } from '../../hermes/tier-chat';
import { ApiModuleErrors } from '../../../core/http/openapi-errors';
import { TierChatResultDto } from '../../switch/dto/switch-responses.dto';

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre')
export class MadreChatController {
  constructor(
    private readonly router: TierRouter,
    private readonly mode: SwitchModeService,
  ) {}

  /** Madre's own chat tier, called directly. */
  @ApiOperation({
    operationId: 'madreChat',
    summary: 'Chat with madre’s own provider tier directly (status failed when none answers)',
  })
  @ApiOkResponse({ type: TierChatResultDto })
  @Post('chat')
  @HttpCode(200)
  chat(@Body() body: TierChatDto) {
    return chatWithTier(this.router, 'madre', body, this.mode.timeoutMs);
  }
}
