import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { AnalyzeQuery } from './dto/analyze-query.dto';
import { JobIdParam, ListJobsQuery } from './dto/list-jobs.dto';
import { ShubJobsService } from './shub-jobs.service';
import { ShubUpload } from './upload/shub-body-parser';
import { ShubUploadsService } from './upload/shub-uploads.service';

const UPLOAD_ERRORS = [
  { status: 413, description: 'Over shub.maxUploadBytes (cut off as the limit is crossed)' },
  { status: 415, description: 'Not a WAV, or a WAV encoding not analysed; `found` names it' },
  { status: 422, description: 'A WAV with a malformed header or truncated data; the reason' },
  {
    status: 503,
    description: 'shub dormant (module_dormant), or Redis down (queue_unavailable, Retry-After)',
  },
];

@ApiTags('shubniggurath')
@OwnedBy('shubniggurath')
@Controller('shub')
export class ShubController {
  constructor(
    private readonly uploads: ShubUploadsService,
    private readonly jobs: ShubJobsService,
  ) {}

  @Post('analyze')
  @HttpCode(202)
  @ShubUpload('single')
  @ApiConsumes('audio/wav', 'multipart/form-data')
  @ApiOperation({
    summary: 'Queue a WAV for analysis (raw audio/wav body, or multipart field "file")',
  })
  @ApiResponse({ status: 202, description: 'The queued job' })
  @ApiResponse(UPLOAD_ERRORS[0])
  @ApiResponse(UPLOAD_ERRORS[1])
  @ApiResponse(UPLOAD_ERRORS[2])
  @ApiResponse(UPLOAD_ERRORS[3])
  analyze(@Req() request: FastifyRequest, @Query() query: AnalyzeQuery) {
    return this.uploads.analyze(request, query);
  }

  @Post('batch')
  @HttpCode(202)
  @ShubUpload('batch')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Queue several WAVs (multipart "file" parts): one job each' })
  @ApiResponse({ status: 202, description: '{batch_id, jobs}' })
  @ApiResponse(UPLOAD_ERRORS[0])
  @ApiResponse(UPLOAD_ERRORS[1])
  @ApiResponse(UPLOAD_ERRORS[2])
  @ApiResponse(UPLOAD_ERRORS[3])
  batch(@Req() request: FastifyRequest, @Query() query: AnalyzeQuery) {
    return this.uploads.batch(request, query);
  }

  @Get('jobs')
  list(@Query() query: ListJobsQuery) {
    return this.jobs.list(
      { status: query.status, batch_id: query.batch_id },
      query.limit ?? 50,
      query.offset ?? 0,
    );
  }

  @Get('jobs/:id')
  get(@Param() params: JobIdParam) {
    return this.jobs.get(params.id);
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @ApiResponse({ status: 409, description: 'The job has already ended' })
  cancel(@Param() params: JobIdParam) {
    return this.jobs.cancel(params.id);
  }
}
