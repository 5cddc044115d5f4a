import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Repository } from 'typeorm';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { HealthHistoryQuery } from './dto/incidents.dto';
import { HealthHistoryEntity } from './health-history.entity';
import { ApiErrors, ApiModuleErrors } from '../../../core/http/openapi-errors';
import { HealthHistoryDto } from './dto/health-responses.dto';

/** Health history for the console's sparklines, newest first. */
@ApiTags('operator')
@ApiModuleErrors('operator')
@OwnedBy('operator')
@Controller('operator/api/health/history')
export class HealthHistoryController {
  constructor(
    @InjectRepository(HealthHistoryEntity)
    private readonly history: Repository<HealthHistoryEntity>,
  ) {}

  @ApiOperation({
    operationId: 'listHealthHistory',
    summary: 'Health checks, newest first (?module, ?limit)',
  })
  @ApiOkResponse({ type: HealthHistoryDto })
  @ApiErrors([400, 'Invalid ?module or ?limit (validation_failed)'])
  @Get()
  async list(@Query() query: HealthHistoryQuery) {
    const rows = await this.history.find({
      where: query.module ? { module: query.module } : {},
      order: { id: 'DESC' },
      take: query.limit ?? 100,
    });
    return {
      module: query.module ?? null,
      count: rows.length,
      items: rows.map(({ module, ok, latency_ms, detail, checked_at }) => ({
        module,
        ok,
        latency_ms,
        detail,
        checked_at,
      })),
    };
  }
}
