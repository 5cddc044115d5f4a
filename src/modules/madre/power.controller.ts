import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../core/config/app-config';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { CloseWindowDto, OpenWindowDto } from './dto/open-window.dto';
import { PowerService } from './power.service';
import { WindowService } from './window.service';

@ApiTags('madre')
@OwnedBy('madre')
@Controller('madre/power')
export class PowerController {
  constructor(
    private readonly power: PowerService,
    private readonly windows: WindowService,
    private readonly registry: ModuleRegistry,
    private readonly config: AppConfig,
  ) {}

  @Get('status')
  status() {
    return this.power.status();
  }

  @Get('state')
  state() {
    return this.power.state();
  }

  @Get('services')
  services() {
    return {
      allowlist: this.windows.allowlist,
      max_ttl_sec: this.config.window.maxTtlSec,
      modules: this.windows.allowlist.map((name) => ({ name, state: this.registry.state(name) })),
    };
  }

  @Get('policy/:name/status')
  policyStatus(@Param('name') name: string) {
    return this.power.policyStatus(name);
  }

  @Post('policy/:name/apply')
  @HttpCode(200)
  applyPolicy(@Param('name') name: string) {
    return this.power.applyPolicy(name);
  }

  @Post('window/open')
  @HttpCode(200)
  openWindow(@Body() body: OpenWindowDto) {
    return this.windows.open({
      services: body.services ?? (body.service !== undefined ? [body.service] : []),
      mode: body.mode ?? 'ttl',
      ttlSec: body.ttl_sec,
      reason: body.reason ?? 'operator request',
    });
  }

  @Post('window/close')
  @HttpCode(200)
  closeWindow(@Body() body: CloseWindowDto = {}) {
    return this.windows.close(body?.window_id, 'manual_close');
  }
}
