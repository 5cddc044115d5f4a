import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { DriftService } from './drift.service';
import {
  DriftReportDto,
  PatchPlanDto,
  RailsReportDto,
  ScorecardDto,
} from './dto/manifestator-responses.dto';
import { PatchPlanRequestDto } from './dto/patchplan-request.dto';
import { RailsService } from './rails.service';
import { ScorecardService } from './scorecard.service';

const MANIFEST_503 = [
  503,
  'manifestator dormant (module_dormant), or the manifest cannot be read (manifest_unavailable)',
] as const;

@ApiTags('manifestator')
@ApiModuleErrors('manifestator')
@OwnedBy('manifestator')
@Controller('manifestator')
export class ManifestatorController {
  constructor(
    private readonly drifts: DriftService,
    private readonly railsService: RailsService,
    private readonly scorecards: ScorecardService,
  ) {}

  @Get('drift')
  @ApiOperation({
    operationId: 'getManifestDrift',
    summary: 'The manifest against the live route table, registry, event types and file baseline',
  })
  @ApiOkResponse({ type: DriftReportDto })
  @ApiErrors(MANIFEST_503)
  drift() {
    return this.drifts.drift();
  }

  @Post('patchplan')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'planManifestPatch',
    summary: 'Plan (never execute) an add/remove action per drift item, with risk and effort',
  })
  @ApiBody({ type: PatchPlanRequestDto, required: false })
  @ApiOkResponse({ type: PatchPlanDto })
  @ApiErrors(400, MANIFEST_503)
  patchplan(@Body() body: PatchPlanRequestDto = {}) {
    return this.drifts.patchplan(body?.scope);
  }

  @Get('rails')
  @ApiOperation({
    operationId: 'getRails',
    summary: 'Every invariant gate, computed now, with its evidence and the reason when not ok',
  })
  @ApiOkResponse({ type: RailsReportDto })
  @ApiErrors(MANIFEST_503)
  rails() {
    return this.railsService.evaluate();
  }

  @Get('scorecard')
  @ApiOperation({
    operationId: 'getScorecard',
    summary: 'Readiness by category from live measurements, and the weighted global score',
  })
  @ApiOkResponse({ type: ScorecardDto })
  @ApiErrors(MANIFEST_503)
  scorecard() {
    return this.scorecards.scorecard();
  }
}
