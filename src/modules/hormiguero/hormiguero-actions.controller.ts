import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { ApplyActionDto, PreviewActionDto } from './dto/hormiguero-requests.dto';
import { ActionApplyDto, ActionPreviewDto } from './dto/hormiguero-responses.dto';
import { HormigueroActionsService } from './hormiguero-actions.service';

/** Actions with approval: preview what would change, then apply with the approval token. */
@ApiTags('hormiguero')
@ApiModuleErrors('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero/actions')
export class HormigueroActionsController {
  constructor(private readonly actions: HormigueroActionsService) {}

  @ApiOperation({
    operationId: 'previewHormigueroAction',
    summary:
      'What an allowlisted action would change (files, bytes, rows) and its single-use approval token',
  })
  @ApiOkResponse({ type: ActionPreviewDto })
  @ApiErrors(
    [400, 'Invalid body or params (validation_failed, invalid_params)'],
    [422, 'Not in the allowlist (action_not_allowed; `allowlist` names them)'],
  )
  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: PreviewActionDto) {
    return this.actions.preview(body.action, body.params, currentCorrelationId() ?? null);
  }

  @ApiOperation({
    operationId: 'applyHormigueroAction',
    summary: 'Apply a previewed action once with its approval token; records who and when',
  })
  @ApiOkResponse({ type: ActionApplyDto })
  @ApiErrors(
    [400, 'Invalid body (validation_failed)'],
    [
      403,
      'No matching preview, a token that is not its token, already used, or expired (approval_refused)',
    ],
  )
  @Post('apply')
  @HttpCode(200)
  apply(@Body() body: ApplyActionDto, @Req() request: FastifyRequest) {
    const who = `${body.approved_by ?? 'operator'}@${request.ip}`;
    return this.actions.apply(body.preview_id, body.approval_token, who);
  }
}
