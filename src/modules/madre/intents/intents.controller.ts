import { Body, Controller, Post, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiModuleErrors } from '../../../core/http/openapi-errors';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { IntentDepthInterceptor } from './dto/intent-depth.interceptor';
import { IntentDto } from './dto/intent.dto';
import { SubmittedPlanDto } from './dto/plan-responses.dto';
import { IntentService } from './intent.service';

/** What POST /madre/intent and its alias document. */
export const INTENT_ERRORS = ApiErrors(
  [
    400,
    'Invalid fields: unknown intent_type, text over the limit, payload too deep or large (validation_failed)',
  ],
  [
    422,
    'The intent cannot be planned: missing target/program/text, module not allowlisted (invalid_intent)',
  ],
);

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre')
export class IntentsController {
  constructor(private readonly intents: IntentService) {}

  @ApiOperation({
    operationId: 'submitIntent',
    summary:
      'Turn an intent into a plan of typed steps; LOW runs at once, MED/HIGH waits for a confirm token',
  })
  @ApiCreatedResponse({ type: SubmittedPlanDto })
  @INTENT_ERRORS
  @UseInterceptors(IntentDepthInterceptor)
  @Post('intent')
  submit(@Body() body: IntentDto) {
    return this.intents.submit(body, 'madre_api');
  }
}
