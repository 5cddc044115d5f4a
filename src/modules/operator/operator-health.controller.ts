import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';

@ApiTags('operator')
@Controller('operator/api')
export class OperatorHealthController {
  @Public()
  @Get('health')
  health() {
    return { status: 'ok', service: 'operator_backend' };
  }
}
