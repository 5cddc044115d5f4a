import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../../core/config/app-config';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { listBackups } from './backup-rotation';
import { dataPaths } from './data-paths';
import { PostTaskDto } from './dto/post-task.dto';
import { MaintenanceService } from './maintenance.service';
import { ApiErrors, ApiModuleErrors } from '../../../core/http/openapi-errors';
import {
  BackupListDto,
  MaintenanceAcceptedDto,
  MaintenanceRunDto,
  MaintenanceTaskDto,
} from './dto/maintenance-responses.dto';

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre/power/maintenance')
export class MaintenanceController {
  constructor(
    private readonly maintenance: MaintenanceService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Runs maintenance; answers the full report, or 202 with the job id if it takes longer. A
   * request while a run is going, or within maintenance.minBackupIntervalSec of the last one,
   * gets that run's report marked `reused: true` instead of a new run.
   */
  @ApiOperation({
    operationId: 'runMaintenance',
    summary: 'Run maintenance (checks, checkpoint, backup, rotation, db map, scorecard)',
    description:
      'Answers the report once the run ends within maintenance.waitMs, else 202 with the job to poll. A request while a run is going, or within maintenance.minBackupIntervalSec of the last one, gets that run marked `reused`.',
  })
  @ApiOkResponse({ type: MaintenanceTaskDto })
  @ApiAcceptedResponse({ type: MaintenanceAcceptedDto, description: 'Still running: poll it' })
  @Post('post_task')
  @HttpCode(200)
  async postTask(@Body() body: PostTaskDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { run, reused } = await this.maintenance.submit({
      applyRetention: body.apply_retention ?? false,
      reason: body.reason ?? 'operator request',
      source: 'api',
    });
    const done = await this.maintenance.waitFor(run.id, this.config.maintenance.waitMs);
    const reuse = reused && {
      reused: true,
      reused_because: reused,
      min_backup_interval_sec: this.config.maintenance.minBackupIntervalSec,
      ...(done ? { next_run_after: this.maintenance.nextRunAfter(done) } : {}),
    };
    if (done) return { ...this.maintenance.view(done), ...reuse };
    void reply.status(202);
    return {
      status: 'accepted',
      job_id: run.id,
      poll: `GET /madre/power/maintenance/jobs/${run.id}`,
      ...reuse,
    };
  }

  @ApiOperation({ operationId: 'getMaintenanceJob', summary: 'One maintenance run and its report' })
  @ApiParam({ name: 'id', description: 'The job_id of the run', format: 'uuid' })
  @ApiOkResponse({ type: MaintenanceRunDto })
  @ApiErrors([404, 'No such run (maintenance_job_not_found)'])
  @Get('jobs/:id')
  async job(@Param('id') id: string) {
    return this.maintenance.view(await this.maintenance.get(id));
  }

  /** Verified backups on disk, kept first (newest first), then archived ones. */
  @ApiOperation({
    operationId: 'listBackups',
    summary: 'Verified backups on disk: kept ones, then archived',
  })
  @ApiOkResponse({ type: BackupListDto })
  @Get('backups')
  backups() {
    return {
      keep: this.config.maintenance.keepBackups,
      backups: listBackups(dataPaths(this.config.dataDir)),
    };
  }
}
