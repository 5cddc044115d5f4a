import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/public.decorator';
import { BreakerRegistry } from '../../core/breaker/breaker-registry.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { SystemStatusService } from './system-status.service';
import { topologyMap } from './topology';
import { BreakerStatusDto, SystemStatusDto, TopologyMapDto } from './dto/gateway-responses.dto';

@ApiTags('tentaculo_link')
@Controller()
export class StatusController {
  constructor(
    private readonly status: SystemStatusService,
    private readonly registry: ModuleRegistry,
    private readonly breakers: BreakerRegistry,
  ) {}

  @Public()
  @ApiOperation({
    operationId: 'getSystemStatus',
    summary: 'Overall status: mode, policy, module states, Redis and database (public)',
  })
  @ApiOkResponse({ type: SystemStatusDto })
  @Get('vx11/status')
  systemStatus() {
    return this.status.status();
  }

  @ApiOperation({ operationId: 'getTopologyMap', summary: 'Topology of the live module registry' })
  @ApiOkResponse({ type: TopologyMapDto })
  @Get('api/map')
  map() {
    return topologyMap(this.registry.list());
  }

  @ApiOperation({ operationId: 'getBreakerStatus', summary: 'Every circuit breaker and its state' })
  @ApiOkResponse({ type: BreakerStatusDto })
  @Get('vx11/circuit-breaker/status')
  breakerStatus() {
    return { breakers: this.breakers.snapshot() };
  }
}
