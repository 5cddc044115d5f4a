import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { ScanOnceDto } from './dto/hormiguero-requests.dto';
import {
  BaselineRecordDto,
  HormigueroStatusDto,
  ScanReportDto,
} from './dto/hormiguero-responses.dto';
import { FileDriftService } from './file-drift.service';
import { HormigueroScanService } from './hormiguero-scan.service';
import { HormigueroStatusService } from './hormiguero-status.service';

@ApiTags('hormiguero')
@ApiModuleErrors('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero')
export class HormigueroController {
  constructor(
    private readonly statusView: HormigueroStatusService,
    private readonly scanner: HormigueroScanService,
    private readonly drift: FileDriftService,
  ) {}

  @ApiOperation({
    operationId: 'getHormigueroStatus',
    summary: 'The colony: the queen, each ant with its interval, last run and findings',
  })
  @ApiOkResponse({ type: HormigueroStatusDto })
  @Get('status')
  status() {
    return this.statusView.status();
  }

  @ApiOperation({
    operationId: 'scanHormigueroOnce',
    summary: 'Run the ants now (all, or those named) and answer their findings',
  })
  @ApiOkResponse({ type: ScanReportDto })
  @ApiErrors([400, 'Invalid body or an unknown ant (validation_failed)'])
  @Post('scan/once')
  @HttpCode(200)
  scanOnce(@Body() body: ScanOnceDto) {
    return this.scanner.scanOnce(body?.ants, 'manual');
  }

  @ApiOperation({
    operationId: 'recordHormigueroBaseline',
    summary: 'Record the file baseline anew (sha256 of config/, the build, watch paths)',
  })
  @ApiOkResponse({ type: BaselineRecordDto })
  @Post('baseline')
  @HttpCode(200)
  baseline() {
    return this.drift.recordBaseline();
  }
}
