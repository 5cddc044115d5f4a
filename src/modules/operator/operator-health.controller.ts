import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';
import { OperatorHealthDto } from './dto/operator-responses.dto';

@ApiTags('operator')
@Controller('operator/api')
export class OperatorHealthController {
  @Public()
  @ApiOperation({
    operationId: 'getOperatorHealth',
    summary: 'Liveness of the operator API (public)',
  })
  @ApiOkResponse({ type: OperatorHealthDto })
  @Get('health')
  health() {
    return { status: 'ok', service: 'operator_backend' };
  }
}
