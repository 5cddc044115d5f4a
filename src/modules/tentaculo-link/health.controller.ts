import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';
import { VERSION } from '../../core/config/version';
import { GatewayHealthDto } from './dto/gateway-responses.dto';

/** Liveness of the gateway: cheap, public, never logged per request. */
@ApiTags('tentaculo_link')
@Controller()
export class HealthController {
  @Public()
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness of the gateway (public)' })
  @ApiOkResponse({ type: GatewayHealthDto })
  @Get('health')
  health() {
    return {
      status: 'ok',
      module: 'tentaculo_link',
      version: VERSION,
      uptime_s: Math.round(process.uptime()),
    };
  }
}
