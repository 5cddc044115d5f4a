import { Injectable } from '@nestjs/common';
import { IntentService } from '../../madre/intents/intent.service';
import { INTENT_TYPES } from '../../madre/intents/plan.entity';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** Madre's intents and plans (POST /madre/intent, GET /madre/plans/{id}, …/confirm). */
@Injectable()
export class IntentTools implements ToolGroup {
  constructor(private readonly intents: IntentService) {}

  tools(): McpTool[] {
    const z = zod();
    const PLAN_ID = z.string().uuid().describe('The plan_id submit_intent answered');
    return [
      defineTool({
        name: 'submit_intent',
        title: 'Submit an intent to madre',
        description: `Ask madre to do something; she turns it into a plan of typed steps. intent_type: ${INTENT_TYPES.join(', ')} (free_text parses "text"). payload carries parameters: message (chat), target + ttl_sec (open_window), apply_retention (maintenance), program + args + ttl_sec (spawn). LOW-risk plans run at once; MED/HIGH ones wait for confirm_plan with the confirm_token answered here (once). Follow with plan_status.`,
        module: 'madre',
        readOnly: false,
        input: z
          .object({
            intent_type: z.enum(INTENT_TYPES),
            text: z.string().max(4000).optional().describe('Free text (English or Spanish)'),
            payload: z.record(z.unknown()).optional().describe('The intent’s parameters'),
            require: z
              .array(z.string().max(64))
              .max(8)
              .optional()
              .describe('Modules the plan needs awake'),
            priority: z.number().int().min(0).max(10).optional(),
          })
          .strict(),
        run: (args) => this.intents.submit(args, 'mcp'),
      }),
      defineTool({
        name: 'plan_status',
        title: 'Plan status',
        description:
          'One plan of madre with its status (PENDING, WAITING for confirmation, RUNNING, DONE, ERROR, CANCELLED, EXPIRED) and each step’s status, timing, output and error.',
        module: 'madre',
        readOnly: true,
        input: z.object({ plan_id: PLAN_ID }).strict(),
        run: (args) => this.intents.get(args.plan_id),
      }),
      defineTool({
        name: 'confirm_plan',
        title: 'Confirm a plan',
        description:
          'Confirm a WAITING (MED/HIGH risk) plan with the single-use, expiring confirm_token submit_intent answered: the plan then runs. A wrong token leaves it WAITING; an expired one expires the plan.',
        module: 'madre',
        readOnly: false,
        destructive: true,
        input: z
          .object({
            plan_id: PLAN_ID,
            confirm_token: z.string().min(1).max(256).describe('The token, as answered'),
          })
          .strict(),
        run: (args) => this.intents.confirm(args.plan_id, args.confirm_token),
      }),
    ];
  }
}
