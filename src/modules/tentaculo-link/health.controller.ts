import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';
import { VERSION } from '../../core/config/version';

/** Liveness of the gateway: cheap, public, never logged per request. */
@ApiTags('gateway')
@Controller()
export class HealthController {
  @Public()
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
