import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';

/** spawner: optional module, dormant until a policy or a window wakes it. */
@Module({ providers: [passiveLifecycle('spawner')] })
export class SpawnerModule {}
