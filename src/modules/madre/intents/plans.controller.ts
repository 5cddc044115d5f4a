import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiModuleErrors } from '../../../core/http/openapi-errors';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { ConfirmPlanDto } from './dto/intent.dto';
import { ListPlansQuery, PlanIdParam } from './dto/list-plans.dto';
import { PlanDto, PlanListDto } from './dto/plan-responses.dto';
import { IntentService } from './intent.service';

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre/plans')
export class PlansController {
  constructor(private readonly intents: IntentService) {}

  @ApiOperation({
    operationId: 'listPlans',
    summary: 'Plans, newest first (?status, limit, before)',
  })
  @ApiOkResponse({ type: PlanListDto })
  @ApiErrors([400, 'Invalid query (validation_failed)'])
  @Get()
  list(@Query() query: ListPlansQuery) {
    return this.intents.list({
      status: query.status,
      limit: query.limit ?? 50,
      before: query.before,
    });
  }

  @ApiOperation({
    operationId: 'getPlan',
    summary: 'One plan with each step’s status, timing, output and error',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiErrors([400, 'Not a plan id (validation_failed)'], [404, 'No such plan (plan_not_found)'])
  @Get(':id')
  get(@Param() params: PlanIdParam) {
    return this.intents.get(params.id);
  }

  @ApiOperation({
    operationId: 'confirmPlan',
    summary: 'Confirm a WAITING plan with its token (single-use, expiring): the plan runs',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiErrors(
    [400, 'Invalid body (validation_failed)'],
    [
      403,
      'Wrong or used token (invalid_confirm_token; the plan stays WAITING) or expired (confirm_token_expired; the plan is EXPIRED)',
    ],
    [404, 'No such plan (plan_not_found)'],
  )
  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@Param() params: PlanIdParam, @Body() body: ConfirmPlanDto) {
    return this.intents.confirm(params.id, body.confirm_token);
  }

  @ApiOperation({
    operationId: 'cancelPlan',
    summary: 'Cancel a plan: at once if PENDING/WAITING, after its current step if RUNNING',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiErrors(
    [400, 'Not a plan id (validation_failed)'],
    [404, 'No such plan (plan_not_found)'],
    [409, 'The plan already ended (plan_finished)'],
  )
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param() params: PlanIdParam) {
    return this.intents.cancel(params.id);
  }
}
