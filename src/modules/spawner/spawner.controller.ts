import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { ListRunsQuery, RunIdParam } from './dto/list-runs.dto';
import { StartRunDto } from './dto/start-run.dto';
import { SpawnerService } from './spawner.service';

@ApiTags('spawner')
@OwnedBy('spawner')
@Controller('spawner/runs')
export class SpawnerController {
  constructor(private readonly spawner: SpawnerService) {}

  @Post()
  start(@Body() body: StartRunDto) {
    return this.spawner.startRun(body, currentCorrelationId() ?? null, 'api');
  }

  @Get()
  list(@Query() query: ListRunsQuery) {
    return this.spawner.list(query.status, query.limit ?? 50, query.offset ?? 0);
  }

  @Get(':id')
  get(@Param() params: RunIdParam) {
    return this.spawner.get(params.id);
  }

  @Post(':id/kill')
  @HttpCode(200)
  kill(@Param() params: RunIdParam) {
    return this.spawner.kill(params.id);
  }
}
