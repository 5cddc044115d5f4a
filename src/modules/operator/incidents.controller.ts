import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import {
  IncidentIdParam,
  ListIncidentsQuery,
  ResolveIncidentDto,
} from '../madre/health/dto/incidents.dto';
import { IncidentService } from '../madre/health/incident.service';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { IncidentDto, IncidentListDto } from '../madre/health/dto/health-responses.dto';

/** Incidents on the operator API (hormiguero, which finds some of them, is dormant by default). */
@ApiTags('operator')
@ApiModuleErrors('operator')
@OwnedBy('operator')
@Controller('operator/api/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentService) {}

  @ApiOperation({
    operationId: 'listIncidents',
    summary: 'Incidents, newest first (?status, ?limit)',
  })
  @ApiOkResponse({ type: IncidentListDto })
  @ApiErrors([400, 'Invalid ?status or ?limit (validation_failed)'])
  @Get()
  async list(@Query() query: ListIncidentsQuery) {
    const items = await this.incidents.list(query.status, query.limit ?? 100);
    return { status: query.status ?? null, count: items.length, incidents: items };
  }

  @ApiOperation({ operationId: 'acknowledgeIncident', summary: 'Acknowledge an incident' })
  @ApiOkResponse({ type: IncidentDto })
  @ApiErrors(
    [400, 'Not an incident id (validation_failed)'],
    [404, 'No such incident (incident_not_found)'],
    [409, 'It is resolved (incident_resolved)'],
  )
  @Post(':id/ack')
  @HttpCode(200)
  acknowledge(@Param() params: IncidentIdParam) {
    return this.incidents.acknowledge(params.id);
  }

  @ApiOperation({
    operationId: 'resolveIncident',
    summary: 'Resolve an incident (a resolved one is returned as it is)',
  })
  @ApiOkResponse({ type: IncidentDto })
  @ApiErrors([404, 'No such incident (incident_not_found)'])
  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param() params: IncidentIdParam, @Body() body: ResolveIncidentDto) {
    return this.incidents.resolve(params.id, 'operator', body.note);
  }
}
