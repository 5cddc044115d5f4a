import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { IncidentDto, IncidentListDto } from '../madre/health/dto/health-responses.dto';
import {
  IncidentIdParam,
  ListIncidentsQuery,
  ResolveIncidentDto,
} from '../madre/health/dto/incidents.dto';
import { HormigueroIncidents } from './hormiguero-incidents.service';

/** Hormiguero's incidents (kind `hormiguero.<ant>`): list, acknowledge, resolve. */
@ApiTags('hormiguero')
@ApiModuleErrors('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero/incidents')
export class HormigueroIncidentsController {
  constructor(private readonly incidents: HormigueroIncidents) {}

  @ApiOperation({
    operationId: 'listHormigueroIncidents',
    summary: 'Incidents opened by the ants, newest first (?status, ?limit)',
  })
  @ApiOkResponse({ type: IncidentListDto })
  @ApiErrors([400, 'Invalid ?status or ?limit (validation_failed)'])
  @Get()
  async list(@Query() query: ListIncidentsQuery) {
    const items = await this.incidents.list(query.status, query.limit ?? 100);
    return { status: query.status ?? null, count: items.length, incidents: items };
  }

  @ApiOperation({ operationId: 'acknowledgeHormigueroIncident', summary: 'Acknowledge one' })
  @ApiOkResponse({ type: IncidentDto })
  @ApiErrors(
    [400, 'Not an incident id (validation_failed)'],
    [404, 'No such hormiguero incident (incident_not_found)'],
    [409, 'It is resolved (incident_resolved)'],
  )
  @Post(':id/ack')
  @HttpCode(200)
  acknowledge(@Param() params: IncidentIdParam) {
    return this.incidents.acknowledge(params.id);
  }

  @ApiOperation({
    operationId: 'resolveHormigueroIncident',
    summary: 'Resolve one (a resolved one is returned as it is)',
  })
  @ApiOkResponse({ type: IncidentDto })
  @ApiErrors(
    [400, 'Not an incident id, or an invalid body (validation_failed)'],
    [404, 'No such hormiguero incident (incident_not_found)'],
  )
  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param() params: IncidentIdParam, @Body() body: ResolveIncidentDto) {
    return this.incidents.resolve(params.id, body?.note);
  }
}
