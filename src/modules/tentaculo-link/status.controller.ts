import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';
import { BreakerRegistry } from '../../core/breaker/breaker-registry.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { SystemStatusService } from './system-status.service';
import { topologyMap } from './topology';

@ApiTags('gateway')
@Controller()
export class StatusController {
  constructor(
    private readonly status: SystemStatusService,
    private readonly registry: ModuleRegistry,
    private readonly breakers: BreakerRegistry,
  ) {}

  @Public()
  @Get('vx11/status')
  systemStatus() {
    return this.status.status();
  }

  @Get('api/map')
  map() {
    return topologyMap(this.registry.list());
  }

  @Get('vx11/circuit-breaker/status')
  breakerStatus() {
    return { breakers: this.breakers.snapshot() };
  }
}
