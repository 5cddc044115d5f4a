import { Module } from '@nestjs/common';
import { MadreModule } from '../madre/madre.module';
import { HormigueroController } from './hormiguero.controller';
import { HormigueroLifecycle } from './hormiguero.lifecycle';

/** hormiguero: the colony of scanner ants; dormant by default. */
@Module({
  imports: [MadreModule],
  controllers: [HormigueroController],
  providers: [HormigueroLifecycle],
  exports: [HormigueroLifecycle],
})
export class HormigueroModule {}
