import { Module } from '@nestjs/common';
import { HormigueroLifecycle } from './hormiguero.lifecycle';

/** hormiguero: the colony of scanner ants; dormant by default. */
@Module({ providers: [HormigueroLifecycle], exports: [HormigueroLifecycle] })
export class HormigueroModule {}
