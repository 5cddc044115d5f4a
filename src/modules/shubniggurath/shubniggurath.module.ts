import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';

/** shubniggurath: optional module, dormant until a policy or a window wakes it. */
@Module({ providers: [passiveLifecycle('shubniggurath')] })
export class ShubniggurathModule {}
