import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { OperatorHealthController } from './operator-health.controller';

/** operator: the operator API and console (core, always active). */
@Module({
  controllers: [OperatorHealthController],
  providers: [passiveLifecycle('operator')],
})
export class OperatorModule {}
