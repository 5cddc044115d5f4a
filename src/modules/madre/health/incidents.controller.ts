import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { IncidentIdParam, ListIncidentsQuery, ResolveIncidentDto } from './dto/incidents.dto';
import { IncidentService } from './incident.service';

/** Incidents on the operator API (hormiguero, which finds some of them, is dormant by default). */
@ApiTags('operator')
@OwnedBy('operator')
@Controller('operator/api/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentService) {}

  @Get()
  async list(@Query() query: ListIncidentsQuery) {
    const items = await this.incidents.list(query.status, query.limit ?? 100);
    return { status: query.status ?? null, count: items.length, incidents: items };
  }

  @Post(':id/ack')
  @HttpCode(200)
  acknowledge(@Param() params: IncidentIdParam) {
    return this.incidents.acknowledge(params.id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param() params: IncidentIdParam, @Body() body: ResolveIncidentDto) {
    return this.incidents.resolve(params.id, 'operator', body.note);
  }
}
