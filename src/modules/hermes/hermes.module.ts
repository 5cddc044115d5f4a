import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';

/** hermes: optional module, dormant until a policy or a window wakes it. */
@Module({ providers: [passiveLifecycle('hermes')] })
export class HermesModule {}
