import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { Repository } from 'typeorm';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { HealthHistoryQuery } from './dto/incidents.dto';
import { HealthHistoryEntity } from './health-history.entity';

/** Health history for the console's sparklines, newest first. */
@ApiTags('operator')
@OwnedBy('operator')
@Controller('operator/api/health/history')
export class HealthHistoryController {
  constructor(
    @InjectRepository(HealthHistoryEntity)
    private readonly history: Repository<HealthHistoryEntity>,
  ) {}

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
