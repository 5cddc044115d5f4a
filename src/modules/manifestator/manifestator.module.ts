import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';

/** manifestator: optional module, dormant until a policy or a window wakes it. */
@Module({ providers: [passiveLifecycle('manifestator')] })
export class ManifestatorModule {}
