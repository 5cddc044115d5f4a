import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { IncidentIdParam } from '../madre/health/dto/incidents.dto';
import { IncidentPostmortemService } from './incident-postmortem.service';

/** The post-mortem of one incident, in Markdown (the console downloads it). */
@ApiTags('operator')
@ApiModuleErrors('operator')
@OwnedBy('operator')
@Controller('operator/api/incidents')
export class IncidentPostmortemController {
  constructor(private readonly postmortems: IncidentPostmortemService) {}

  @ApiOperation({
    operationId: 'getIncidentPostmortem',
    summary: 'Post-mortem of an incident (Markdown, the seeds’ template)',
    description:
      'Filled from the incident, the health history of its source module, its state changes (restarts) and power windows around it, and the related ledger events (naming the incident or the module, or sharing their correlation id), from 10 minutes before it was first seen to 2 minutes after it was resolved.',
  })
  @ApiOkResponse({
    description: 'The post-mortem as a Markdown document (sent as an attachment)',
    content: {
      'text/markdown': {
        schema: { type: 'string', example: '# Informe Post-Mortem – Incidente S2\n…' },
      },
    },
  })
  @ApiErrors(
    [400, 'Not an incident id (validation_failed)'],
    [404, 'No such incident (incident_not_found)'],
  )
  @Get(':id/postmortem')
  @Header('cache-control', 'no-store')
  async postmortem(@Param() params: IncidentIdParam, @Res() reply: FastifyReply): Promise<void> {
    const body = await this.postmortems.render(params.id);
    void reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="postmortem-${params.id}.md"`)
      .send(body);
  }
}
