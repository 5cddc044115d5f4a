import { Injectable } from '@nestjs/common';
import { PowerService } from '../../madre/power/power.service';
import { SystemStatusService } from '../../tentaculo-link/system-status.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** vx11_status and list_modules: the gateway's status and madre's power view. */
@Injectable()
export class StatusTools implements ToolGroup {
  constructor(
    private readonly status: SystemStatusService,
    private readonly power: PowerService,
  ) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'vx11_status',
        title: 'VX11 status',
        description:
          'Overall status of VX11 (ok, degraded or down), power mode and policy, the state of every module, Redis and the database. Same as GET /vx11/status.',
        module: null,
        readOnly: true,
        input: z.object({}).strict(),
        run: () => this.status.status(),
      }),
      defineTool({
        name: 'list_modules',
        title: 'List modules',
        description:
          'Every VX11 module with its state (off, starting, active, stopping, failed), category (core/optional), whether the open power window holds it, plus the applied policy and the open window. Same as GET /madre/power/status.',
        module: null,
        readOnly: true,
        input: z.object({}).strict(),
        run: async () => this.power.status(),
      }),
    ];
  }
}
