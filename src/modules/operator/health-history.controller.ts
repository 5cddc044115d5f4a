import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { HealthHistoryQuery } from '../madre/health/dto/incidents.dto';
import { HealthHistoryStore } from '../madre/health/health-history.store';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { HealthHistoryDto } from '../madre/health/dto/health-responses.dto';

/** Health history for the console's sparklines, newest first. */
@ApiTags('operator')
@ApiModuleErrors('operator')
@OwnedBy('operator')
@Controller('operator/api/health/history')
export class HealthHistoryController {
  constructor(private readonly history: HealthHistoryStore) {}

  @ApiOperation({
    operationId: 'listHealthHistory',
    summary: 'Health checks, newest first (?module, ?limit)',
  })
  @ApiOkResponse({ type: HealthHistoryDto })
  @ApiErrors([400, 'Invalid ?module or ?limit (validation_failed)'])
  @Get()
  async list(@Query() query: HealthHistoryQuery) {
    const items = await this.history.recent(query.module, query.limit ?? 100);
    return {
      module: query.module ?? null,
      count: items.length,
      items,
    };
  }
}
