import { Body, Controller, Get, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../core/http/openapi-errors';
import { IntentDepthInterceptor } from '../madre/intents/dto/intent-depth.interceptor';
import { IntentDto } from '../madre/intents/dto/intent.dto';
import { CorrelationIdParam } from '../madre/intents/dto/list-plans.dto';
import { PlanDto, SubmittedPlanDto } from '../madre/intents/dto/plan-responses.dto';
import { IntentService } from '../madre/intents/intent.service';
import { INTENT_ERRORS } from '../madre/intents/intents.controller';

/** The gateway's doors to madre's intents (`/vx11/intent`, `/vx11/result/:correlation_id`). */
@ApiTags('tentaculo_link')
@Controller('vx11')
export class IntentAliasController {
  constructor(private readonly intents: IntentService) {}

  @ApiOperation({
    operationId: 'submitIntentAlias',
    summary: 'Submit an intent to madre (alias of POST /madre/intent)',
  })
  @ApiCreatedResponse({ type: SubmittedPlanDto })
  @INTENT_ERRORS
  @UseInterceptors(IntentDepthInterceptor)
  @Post('intent')
  submit(@Body() body: IntentDto) {
    return this.intents.submit(body, 'vx11_alias');
  }

  @ApiOperation({
    operationId: 'getIntentResult',
    summary: 'The plan for a correlation id with its real status and step results',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiErrors(
    [400, 'Malformed correlation id (validation_failed)'],
    [404, 'No plan has this correlation id (plan_not_found)'],
  )
  @Get('result/:correlation_id')
  result(@Param() params: CorrelationIdParam) {
    return this.intents.resultFor(params.correlation_id);
  }
}
