import { Injectable } from '@nestjs/common';
import { INCIDENT_STATUSES } from '../../madre/health/incident.entity';
import { IncidentService } from '../../madre/health/incident.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** Madre's incidents: list, acknowledge, resolve (as /madre/incidents and the operator views). */
@Injectable()
export class IncidentTools implements ToolGroup {
  constructor(private readonly incidents: IncidentService) {}

  tools(): McpTool[] {
    const z = zod();
    const INCIDENT_ID = z.string().min(1).max(128).describe('The incident id (list_incidents)');
    return [
      defineTool({
        name: 'list_incidents',
        title: 'List incidents',
        description:
          'Incidents madre recorded (module health, auth failures, storage problems...), most recently seen first. Filter by status: open, acknowledged or resolved.',
        module: 'madre',
        readOnly: true,
        input: z
          .object({
            status: z.enum(INCIDENT_STATUSES).optional().describe('Only this status'),
            limit: z.number().int().min(1).max(200).optional().describe('At most (default 50)'),
          })
          .strict(),
        run: async (args) => ({
          incidents: await this.incidents.list(args.status, args.limit ?? 50),
        }),
      }),
      defineTool({
        name: 'ack_incident',
        title: 'Acknowledge an incident',
        description:
          'Mark an open incident acknowledged (someone is on it). A resolved incident cannot be acknowledged.',
        module: 'madre',
        readOnly: false,
        input: z.object({ incident_id: INCIDENT_ID }).strict(),
        run: (args) => this.incidents.acknowledge(args.incident_id),
      }),
      defineTool({
        name: 'resolve_incident',
        title: 'Resolve an incident',
        description:
          'Resolve an incident as the operator, with an optional note (resolving a resolved one changes nothing). It reopens if the problem comes back.',
        module: 'madre',
        readOnly: false,
        input: z
          .object({
            incident_id: INCIDENT_ID,
            note: z.string().max(500).optional().describe('What was done'),
          })
          .strict(),
        run: (args) => this.incidents.resolve(args.incident_id, 'operator', args.note),
      }),
    ];
  }
}
