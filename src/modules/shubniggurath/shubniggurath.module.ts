import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ShubJobRunner } from './shub-job-runner';
import { ShubJobEntity } from './shub-job.entity';
import { ShubJobStore } from './shub-job.store';
import { ShubJobsService } from './shub-jobs.service';
import { ShubMetrics } from './shub-metrics';
import { ShubController } from './shub.controller';
import { ShubniggurathLifecycle } from './shubniggurath.lifecycle';
import { ShubBodyParser } from './upload/shub-body-parser';
import { ShubUploadsService } from './upload/shub-uploads.service';

/**
 * shubniggurath: broadcast-grade audio analysis (BS.1770-4 loudness, true peak, EBU LRA) and
 * mastering advice for uploaded WAVs, worked on the `shub` queue while the module is active.
 * Dormant by default. See README.md beside this file.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ShubJobEntity])],
  controllers: [ShubController],
  providers: [
    ShubniggurathLifecycle,
    ShubBodyParser,
    ShubJobRunner,
    ShubJobStore,
    ShubJobsService,
    ShubMetrics,
    ShubUploadsService,
  ],
  exports: [ShubJobsService],
})
export class ShubniggurathModule {}
