import { Injectable } from '@nestjs/common';
import { PowerService } from '../../madre/power/power.service';
import { WindowService } from '../../madre/power/window.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** Madre's power: windows and policies, with the same rules as /madre/power/*. */
@Injectable()
export class PowerTools implements ToolGroup {
  constructor(
    private readonly power: PowerService,
    private readonly windows: WindowService,
  ) {}

  tools(): McpTool[] {
    const z = zod();
    const MODULE_NAME = z.string().min(1).max(64);
    return [
      defineTool({
        name: 'open_window',
        title: 'Open a power window',
        description:
          'Wake optional modules (switch, hermes, hormiguero, manifestator, mcp, shubniggurath, spawner: the window allowlist) for ttl_sec seconds (mode "ttl", the default) or until closed (mode "hold"). One window at a time: close the open one first. Same as POST /madre/power/window/open.',
        module: 'madre',
        readOnly: false,
        input: z
          .object({
            services: z.array(MODULE_NAME).min(1).max(16).describe('Modules to wake'),
            mode: z
              .enum(['ttl', 'hold'])
              .optional()
              .describe('"ttl" (default): closes by itself after ttl_sec; "hold": until closed'),
            ttl_sec: z
              .number()
              .int()
              .min(1)
              .optional()
              .describe('Seconds until the window closes (mode ttl; up to window.maxTtlSec)'),
            reason: z.string().max(200).optional().describe('Why, for the power history'),
          })
          .strict(),
        run: (args) =>
          this.windows.open({
            services: args.services,
            mode: args.mode ?? 'ttl',
            ttlSec: args.ttl_sec,
            reason: args.reason ?? 'mcp request',
          }),
      }),
      defineTool({
        name: 'close_window',
        title: 'Close the power window',
        description:
          'Close the open power window (or the one named); its modules go back to the policy. Closing a window that holds mcp ends this MCP session too. Same as POST /madre/power/window/close.',
        module: 'madre',
        readOnly: false,
        destructive: true,
        input: z
          .object({
            window_id: z.string().uuid().optional().describe('Only close this window'),
          })
          .strict(),
        run: (args) => this.windows.close(args.window_id, 'manual_close'),
      }),
      defineTool({
        name: 'apply_policy',
        title: 'Apply a power policy',
        description:
          'Apply a power policy of the configuration (solo_madre, operative_core, full, ...): start and stop optional modules to match it. Closes an open window. Same as POST /madre/power/policy/{name}/apply.',
        module: 'madre',
        readOnly: false,
        destructive: true,
        input: z
          .object({
            policy: z.string().min(1).max(64).describe('The policy name'),
          })
          .strict(),
        run: (args) => this.power.applyPolicy(args.policy),
      }),
    ];
  }
}
