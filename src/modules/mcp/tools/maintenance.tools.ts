import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { listBackups } from '../../madre/maintenance/backup-rotation';
import { dataPaths } from '../../madre/maintenance/data-paths';
import { MaintenanceService } from '../../madre/maintenance/maintenance.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** Madre's maintenance: a run (as POST /madre/power/maintenance/post_task) and the backups. */
@Injectable()
export class MaintenanceTools implements ToolGroup {
  constructor(
    private readonly maintenance: MaintenanceService,
    private readonly config: AppConfig,
  ) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'run_maintenance',
        title: 'Run maintenance',
        description:
          'Run maintenance: SQLite checks, WAL checkpoint, a verified backup with rotation, the db map and the scorecard (retention too with apply_retention). Answers the report (status ok or failed) when the run ends within maintenance.waitMs, else {status:"accepted", job_id}. A request while a run is going, or soon after the last one, gets that run marked reused.',
        module: 'madre',
        readOnly: false,
        input: z
          .object({
            apply_retention: z
              .boolean()
              .optional()
              .describe('Also delete data past its retention (default false)'),
            reason: z.string().max(200).optional().describe('Why, for the record'),
          })
          .strict(),
        run: async (args) => {
          const { run, reused } = await this.maintenance.submit({
            applyRetention: args.apply_retention ?? false,
            reason: args.reason ?? 'mcp request',
            source: 'api',
          });
          const done = await this.maintenance.waitFor(run.id, this.config.maintenance.waitMs);
          const reuse = reused ? { reused: true, reused_because: reused } : {};
          if (done) return { ...this.maintenance.view(done), ...reuse };
          return {
            status: 'accepted',
            job_id: run.id,
            poll: `GET /madre/power/maintenance/jobs/${run.id}`,
            ...reuse,
          };
        },
      }),
      defineTool({
        name: 'list_backups',
        title: 'List backups',
        description:
          'Verified database backups on disk: the kept ones (newest first, maintenance.keepBackups of them), then the archived ones. Same as GET /madre/power/maintenance/backups.',
        module: 'madre',
        readOnly: true,
        input: z.object({}).strict(),
        run: async () => ({
          keep: this.config.maintenance.keepBackups,
          backups: listBackups(dataPaths(this.config.dataDir)),
        }),
      }),
    ];
  }
}
