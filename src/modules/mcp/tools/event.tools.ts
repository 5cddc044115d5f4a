import { Injectable } from '@nestjs/common';
import { EventFilter, FilterTermError } from '../../events/event-filter';
import { SEVERITIES } from '../../events/event-view';
import { EventsService } from '../../events/events.service';
import { LedgerVerifier } from '../../events/ledger/ledger-verifier.service';
import { InvalidToolArguments } from '../mcp-errors';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** The events ledger: the listing of GET /operator/api/events and the hash-chain check. */
@Injectable()
export class EventTools implements ToolGroup {
  constructor(
    private readonly events: EventsService,
    private readonly verifier: LedgerVerifier,
  ) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'query_events',
        title: 'Query events',
        description:
          'Stored events of the ledger, newest first: {events, next_before}. Filter by type (exact, "prefix.*", or a comma-separated list: "window.opened,incident.*") and severity (debug, info, warning, error, critical; comma-separated). Page with before = next_before.',
        module: null,
        readOnly: true,
        input: z
          .object({
            type: z.string().max(2000).optional().describe('Types or "prefix.*" patterns'),
            severity: z
              .union([z.enum(SEVERITIES as [string, ...string[]]), z.string().max(200)])
              .optional()
              .describe(`Comma-separated, of ${SEVERITIES.join(', ')}`),
            limit: z.number().int().min(1).max(500).optional().describe('At most (default 50)'),
            before: z.number().int().min(1).optional().describe('Only events with a smaller id'),
          })
          .strict(),
        run: async (args) => {
          let filter: EventFilter;
          try {
            filter = EventFilter.fromQuery(args.type, args.severity);
          } catch (err) {
            if (err instanceof FilterTermError)
              throw new InvalidToolArguments(err.field, err.message);
            throw err;
          }
          return this.events.list(filter, args.before, args.limit ?? 50);
        },
      }),
      defineTool({
        name: 'verify_ledger',
        title: 'Verify the ledger',
        description:
          'Walk the hash chain of the events ledger: {ok, length, head_hash, first_bad_id}. ok false names the first event whose hash does not match (tampering or corruption).',
        module: null,
        readOnly: true,
        input: z.object({}).strict(),
        run: () => this.verifier.verify(),
      }),
    ];
  }
}
