import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { FastifyRequest } from 'fastify';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { AnalyzeQuery } from './dto/analyze-query.dto';
import { JobIdParam, ListJobsQuery } from './dto/list-jobs.dto';
import { ShubJobsService } from './shub-jobs.service';
import { ShubUpload } from './upload/shub-body-parser';
import { ShubUploadsService } from './upload/shub-uploads.service';
import { ApiErrors, ApiModuleErrors, ErrorSpec } from '../../core/http/openapi-errors';
import { BatchDto, JobDetailDto, JobDto, JobListDto } from './dto/job-responses.dto';

const UPLOAD_ERRORS: ErrorSpec[] = [
  [400, 'Invalid query or form fields (validation_failed), a malformed multipart body'],
  [413, 'Over shub.maxUploadBytes (cut off as the limit is crossed)'],
  [415, 'Not a WAV, or a WAV encoding not analysed; `found` names it'],
  [422, 'A WAV with a malformed header or truncated data (invalid_wav); `problem` names it'],
  [503, 'shub dormant (module_dormant), or Redis down (queue_unavailable, Retry-After)'],
];

/** The upload fields of a multipart body. */
const MULTIPART_UPLOAD: SchemaObject = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'A WAV (several in /shub/batch)' },
    style: { type: 'string', description: 'As ?style=' },
    target_lufs: { type: 'number', description: 'As ?target_lufs=' },
  },
};

@ApiTags('shubniggurath')
@ApiModuleErrors('shubniggurath')
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
    operationId: 'analyzeAudio',
    summary: 'Queue a WAV for analysis (raw audio/wav body, or multipart field "file")',
  })
  @ApiBody({
    required: true,
    schema: {
      oneOf: [
        { type: 'string', format: 'binary', description: 'audio/wav: the file itself' },
        MULTIPART_UPLOAD,
      ],
    },
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'The queued job' })
  @ApiErrors(...UPLOAD_ERRORS)
  analyze(@Req() request: FastifyRequest, @Query() query: AnalyzeQuery) {
    return this.uploads.analyze(request, query);
  }

  @Post('batch')
  @HttpCode(202)
  @ShubUpload('batch')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    operationId: 'analyzeAudioBatch',
    summary: 'Queue several WAVs (multipart "file" parts): one job each',
  })
  @ApiBody({ required: true, schema: MULTIPART_UPLOAD })
  @ApiAcceptedResponse({ type: BatchDto, description: 'The queued jobs, under one batch id' })
  @ApiErrors(...UPLOAD_ERRORS)
  batch(@Req() request: FastifyRequest, @Query() query: AnalyzeQuery) {
    return this.uploads.batch(request, query);
  }

  @ApiOperation({
    operationId: 'listShubJobs',
    summary: 'Jobs, newest first (?status, ?batch_id, paged)',
  })
  @ApiOkResponse({ type: JobListDto })
  @ApiErrors([400, 'Invalid query (validation_failed)'])
  @Get('jobs')
  list(@Query() query: ListJobsQuery) {
    return this.jobs.list(
      { status: query.status, batch_id: query.batch_id },
      query.limit ?? 50,
      query.offset ?? 0,
    );
  }

  @ApiOperation({
    operationId: 'getShubJob',
    summary: 'One job with its analysis and mastering advice',
  })
  @ApiOkResponse({ type: JobDetailDto })
  @ApiErrors([400, 'Not a job id (validation_failed)'], [404, 'No such job (not_found)'])
  @Get('jobs/:id')
  get(@Param() params: JobIdParam) {
    return this.jobs.get(params.id);
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelShubJob',
    summary: 'Cancel a queued or running job',
  })
  @ApiOkResponse({ type: JobDetailDto })
  @ApiErrors(
    [400, 'Not a job id (validation_failed)'],
    [404, 'No such job (not_found)'],
    [409, 'The job has already ended (job_finished)'],
  )
  cancel(@Param() params: JobIdParam) {
    return this.jobs.cancel(params.id);
  }
}
