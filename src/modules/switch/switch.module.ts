import { Module } from '@nestjs/common';
import { SwitchLifecycle } from './switch.lifecycle';

/** switch: chat routing across providers; dormant by default. */
@Module({ providers: [SwitchLifecycle], exports: [SwitchLifecycle] })
export class SwitchModule {}
