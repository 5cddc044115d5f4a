import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { ListRunsQuery, RunIdParam } from './dto/list-runs.dto';
import { StartRunDto } from './dto/start-run.dto';
import { SpawnerService } from './spawner.service';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { RunDto, RunListDto } from './dto/run-responses.dto';

@ApiTags('spawner')
@ApiModuleErrors('spawner')
@OwnedBy('spawner')
@Controller('spawner/runs')
export class SpawnerController {
  constructor(private readonly spawner: SpawnerService) {}

  @ApiOperation({
    operationId: 'startRun',
    summary: 'Start an allowlisted program with literal argv and a TTL (no shell)',
  })
  @ApiCreatedResponse({ type: RunDto, description: 'The run, started' })
  @ApiErrors(
    [
      400,
      'Invalid body, env outside spawner.envAllowlist, cwd outside the work root, ttl_sec over spawner.maxTtlSec (validation_failed, env_not_allowed, invalid_ttl)',
    ],
    [422, 'The program is not in spawner.programs (program_not_allowed)'],
    [429, 'spawner.maxConcurrent runs are running (too_many_runs)'],
  )
  @Post()
  start(@Body() body: StartRunDto) {
    return this.spawner.startRun(body, currentCorrelationId() ?? null, 'api');
  }

  @ApiOperation({ operationId: 'listRuns', summary: 'Runs, newest first (?status, paged)' })
  @ApiOkResponse({ type: RunListDto })
  @ApiErrors([400, 'Invalid query (validation_failed)'])
  @Get()
  list(@Query() query: ListRunsQuery) {
    return this.spawner.list(query.status, query.limit ?? 50, query.offset ?? 0);
  }

  @ApiOperation({ operationId: 'getRun', summary: 'One run with its output (live while it runs)' })
  @ApiOkResponse({ type: RunDto })
  @ApiErrors([400, 'Not a run id (validation_failed)'], [404, 'No such run (run_not_found)'])
  @Get(':id')
  get(@Param() params: RunIdParam) {
    return this.spawner.get(params.id);
  }

  @ApiOperation({
    operationId: 'killRun',
    summary: 'Kill a run’s processes and answer once it ended (an ended run as it is)',
  })
  @ApiOkResponse({ type: RunDto })
  @ApiErrors([400, 'Not a run id (validation_failed)'], [404, 'No such run (run_not_found)'])
  @Post(':id/kill')
  @HttpCode(200)
  kill(@Param() params: RunIdParam) {
    return this.spawner.kill(params.id);
  }
}
